import { randomBytes } from 'node:crypto';
import { newId } from '../domain/ids.js';
import {
  deleteCustomer,
  findCustomer,
  insertCustomer,
  listCustomers,
  updateCustomer,
  type CustomerFields,
  type CustomerRecord,
} from '../store/customer-store.js';
import type { Page } from '../store/keyset-page.js';
import { detachCustomerPaymentMethods } from '../store/payment-method-store.js';
import type { OutboxEvent } from '../store/outbox-store.js';
import type { Metadata } from '../store/records.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import type { Deps } from './deps.js';
import type { SaveCard } from './payment-methods.js';
import { found, foundPage, NotFoundError } from './errors.js';
import { updatedEvent } from './event-changes.js';
import { paymentMethodObject } from './serialize.js';
import { customerObject } from './serialize-customers.js';
import { finish } from './transitions.js';

/** Stripe's metadata update: a key with an empty value is removed, every other key is set. */
export function metadataChange(metadata: Metadata): { set: Metadata; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const [k, v] of Object.entries(metadata)) {
    if (v === '') unset.push(k);
    else set[k] = v;
  }
  return { set, unset };
}

/** The merchant's live customer; 404 resource_missing (naming `param`) when it has none or it was deleted. */
export async function liveCustomer(
  deps: Deps,
  merchantId: string,
  id: string,
  param?: string,
): Promise<CustomerRecord> {
  const customer = await findCustomer(deps.db, merchantId, id);
  if (!customer || customer.deleted) throw new NotFoundError('customer', id, param);
  return customer;
}

/**
 * Creates a customer; `saveCard` (its `payment_method` or `source`) saves a card to it in the same
 * transaction, so a refused card creates no customer.
 */
export async function createCustomer(
  deps: Deps,
  ctx: RequestContext,
  input: { fields: CustomerFields; metadata: Metadata; saveCard?: SaveCard },
  hook?: CommitHook<CustomerRecord>,
): Promise<CustomerRecord> {
  return deps.db.transaction(async (tx) => {
    const customer = await insertCustomer(tx, {
      id: newId('cus'),
      merchantId: ctx.merchantId,
      // Stripe's invoice prefix: 8 upper-case hexadecimal characters, unique enough per account.
      invoicePrefix: randomBytes(4).toString('hex').toUpperCase(),
      metadata: input.metadata,
      fields: input.fields,
    });
    const saved = input.saveCard ? await input.saveCard(tx, customer.id) : null;
    const events: OutboxEvent[] = [{ type: 'customer.created', object: customerObject(customer) }];
    if (saved?.attached)
      events.push({ type: 'payment_method.attached', object: paymentMethodObject(saved.pm) });
    return finish(
      tx,
      ctx,
      hook,
      customer,
      [auditRecord('customer.create', { customerId: customer.id }), ...(saved?.audit ?? [])],
      events,
    );
  });
}

/** A customer, or Stripe's deleted stub once it was deleted. */
export async function getCustomer(deps: Deps, merchantId: string, id: string): Promise<CustomerRecord> {
  return found(await findCustomer(deps.db, merchantId, id), 'customer', id);
}

export async function changeCustomer(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { fields: CustomerFields; metadata: Metadata },
  hook?: CommitHook<CustomerRecord>,
): Promise<CustomerRecord> {
  return deps.db.transaction(async (tx) => {
    const before = await findCustomer(tx, ctx.merchantId, id);
    const customer = found(
      await updateCustomer(tx, ctx.merchantId, id, input.fields, metadataChange(input.metadata)),
      'customer',
      id,
    );
    const events = before
      ? updatedEvent('customer.updated', customerObject(before), customerObject(customer))
      : [];
    return finish(tx, ctx, hook, customer, [auditRecord('customer.update', { customerId: id })], events);
  });
}

/** Deletes a customer and detaches its payment methods; 404 when it has none live. */
export async function removeCustomer(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  hook?: CommitHook<{ id: string }>,
): Promise<{ id: string }> {
  return deps.db.transaction(async (tx) => {
    const before = await findCustomer(tx, ctx.merchantId, id);
    if (!before || !(await deleteCustomer(tx, ctx.merchantId, id))) throw new NotFoundError('customer', id);
    const detached = await detachCustomerPaymentMethods(tx, ctx.merchantId, id);
    // Stripe's customer.deleted carries the customer as it was, not the deleted stub.
    const events: OutboxEvent[] = [
      { type: 'customer.deleted', object: customerObject(before) },
      ...detached.map((pm) => ({ type: 'payment_method.detached', object: paymentMethodObject(pm) })),
    ];
    return finish(
      tx,
      ctx,
      hook,
      { id },
      [auditRecord('customer.delete', { customerId: id, detached: detached.length })],
      events,
    );
  });
}

export async function listCustomersOf(deps: Deps, merchantId: string, email: string | null, page: Page) {
  return foundPage(await listCustomers(deps.db, merchantId, page, { email }), 'customer', page);
}
