import { readMerchantBalance } from '../store/ledger-store.js';
import type { Deps } from './deps.js';

export async function getBalance(deps: Deps, merchantId: string) {
  return readMerchantBalance(deps.db, merchantId);
}
