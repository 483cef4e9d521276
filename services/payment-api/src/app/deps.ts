import type { Acquirer } from '../acquirer/index.js';
import type { Database } from '../db/database.js';
import type { ServiceKeys } from '../secrets.js';
import type { VaultedCard } from '../store/payment-method-store.js';
import type { CardVault } from '../vault/index.js';
import type { CvcStore } from './cvc-store.js';
import type { IntentLocks } from './intent-locks.js';

/** The adapters the application services work with. */
export interface Deps {
  readonly db: Database;
  readonly vault: CardVault;
  readonly acquirer: Acquirer;
  readonly cvc: CvcStore;
  readonly keys: ServiceKeys;
  /** Exclusive access to a payment intent while a request changes it. */
  readonly intentLocks: IntentLocks;
  /** Vaulted (still sealed) cards by merchant/payment method id; they never change once written. */
  readonly sealedCards: Map<string, VaultedCard>;
}
