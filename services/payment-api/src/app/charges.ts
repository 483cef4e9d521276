import { findCharge, listCharges as listChargeRows, type ChargeFilters } from '../store/charge-store.js';
import type { ChargeRecord } from '../store/charge-store.js';
import type { Page } from '../store/keyset-page.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';

export async function getCharge(deps: Deps, merchantId: string, id: string): Promise<ChargeRecord> {
  return found(await findCharge(deps.db, merchantId, id), 'charge', id, 'id');
}

export async function listCharges(deps: Deps, merchantId: string, page: Page, filters: ChargeFilters) {
  return foundPage(await listChargeRows(deps.db, merchantId, page, filters), 'charge', page);
}
