import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMerchant, listMerchants } from './app/merchants.js';
import type { Database } from './db/database.js';
import { readSecretFile, writeSecretFileOnce, type ServiceKeys } from './secrets.js';

export const DEMO_KEY_FILE = 'demo-secret-key';

/**
 * First run: creates a demo merchant and writes its secret key to <dataDir>/demo-secret-key (0600) so later
 * runs can show it again; the database holds only the key's keyed hash.
 */
export async function ensureDemoMerchant(
  db: Database,
  keys: ServiceKeys,
  dataDir: string,
): Promise<{ merchantId: string; secret: string | null; created: boolean }> {
  const file = join(dataDir, DEMO_KEY_FILE);
  const merchants = await listMerchants(db);
  if (merchants.length === 0) {
    const { merchant, key } = await createMerchant(db, keys, 'Demo merchant', 'system:first-run');
    writeSecretFileOnce(file, `${JSON.stringify({ merchant: merchant.id, secret: key.secret })}\n`);
    return { merchantId: merchant.id, secret: key.secret, created: true };
  }
  if (existsSync(file)) {
    const saved = JSON.parse(readSecretFile(file)) as { merchant: string; secret: string };
    return { merchantId: saved.merchant, secret: saved.secret, created: false };
  }
  return { merchantId: merchants[0]?.id ?? '', secret: null, created: false };
}
