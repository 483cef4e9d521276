import type { FastifyInstance } from 'fastify';
import { getBalanceTransaction, listBalanceTransactions } from '../app/balance-transactions.js';
import { getCharge, listCharges } from '../app/charges.js';
import type { Deps } from '../app/deps.js';
import { balanceTransactionObject, chargeObject, listObject } from '../app/serialize.js';
import { BALANCE_TRANSACTION_TYPES } from '../store/balance-transaction-store.js';
import { optional, pageOf, Params } from './params.js';
import { ctxOf, pathId } from './routes.js';

/** Charges and balance transactions: read-only views of payments and of the ledger (ADR 0028). */
export function registerChargeRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/v1/charges', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const filters = {
      ...optional('payment_intent', p.id('payment_intent', 'pi')),
      ...optional('customer', p.id('customer', 'cus')),
    };
    p.done();
    const { items, hasMore } = await listCharges(deps, ctxOf(req).merchantId, page, filters);
    return listObject('/v1/charges', items.map(chargeObject), hasMore);
  });

  app.get('/v1/charges/:id', async (req) => {
    new Params(req.query).done();
    return chargeObject(await getCharge(deps, ctxOf(req).merchantId, pathId(req)));
  });

  app.get('/v1/balance_transactions', async (req) => {
    const p = new Params(req.query);
    const page = pageOf(p);
    const type = p.enumeration('type', BALANCE_TRANSACTION_TYPES, null);
    p.done();
    const filters = type ? { type } : {};
    const { items, hasMore } = await listBalanceTransactions(deps, ctxOf(req).merchantId, page, filters);
    return listObject('/v1/balance_transactions', items.map(balanceTransactionObject), hasMore);
  });

  app.get('/v1/balance_transactions/:id', async (req) => {
    new Params(req.query).done();
    return balanceTransactionObject(await getBalanceTransaction(deps, ctxOf(req).merchantId, pathId(req)));
  });
}
