import {
  findBalanceTransaction,
  listBalanceTransactions as listRows,
  type BalanceTransactionRecord,
} from '../store/balance-transaction-store.js';
import type { Page } from '../store/keyset-page.js';
import type { Deps } from './deps.js';
import { found, foundPage } from './errors.js';

export async function getBalanceTransaction(
  deps: Deps,
  merchantId: string,
  id: string,
): Promise<BalanceTransactionRecord> {
  return found(await findBalanceTransaction(deps.db, merchantId, id), 'balance_transaction', id, 'id');
}

export async function listBalanceTransactions(
  deps: Deps,
  merchantId: string,
  page: Page,
  filters: { readonly type?: BalanceTransactionRecord['type'] },
) {
  return foundPage(await listRows(deps.db, merchantId, page, filters), 'balance_transaction', page);
}
