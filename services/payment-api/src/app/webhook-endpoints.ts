import { newId } from '../domain/ids.js';
import { newWebhookSecret } from '../domain/webhook-signature.js';
import type { Page } from '../store/keyset-page.js';
import type { Metadata } from '../store/records.js';
import { abandonPendingDeliveries, attemptsOf, listDeliveries } from '../store/webhook-delivery-store.js';
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
  replaceEndpointSecret,
  updateEndpoint,
  type EndpointFields,
  type WebhookEndpointRecord,
} from '../store/webhook-endpoint-store.js';
import { auditRecord } from './audit.js';
import type { CommitHook, RequestContext } from './context.js';
import { metadataChange } from './customers.js';
import type { Deps } from './deps.js';
import { found, foundPage, NotFoundError } from './errors.js';
import { finish } from './transitions.js';
import { openWebhookSecret, sealWebhookSecret } from './webhook-secrets.js';

/** An endpoint with its signing secret in clear: what a create or a secret roll answers, once. */
export interface EndpointWithSecret {
  readonly endpoint: WebhookEndpointRecord;
  readonly secret: string;
}

export interface NewEndpoint {
  readonly url: string;
  readonly enabledEvents: readonly string[];
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly apiVersion: string | null;
}

async function liveEndpoint(deps: Deps, merchantId: string, id: string): Promise<WebhookEndpointRecord> {
  const endpoint = await findEndpoint(deps.db, merchantId, id);
  if (!endpoint || endpoint.deleted) throw new NotFoundError('webhook_endpoint', id);
  return endpoint;
}

export async function createWebhookEndpoint(
  deps: Deps,
  ctx: RequestContext,
  input: NewEndpoint,
  hook?: CommitHook<EndpointWithSecret>,
): Promise<EndpointWithSecret> {
  // A retry with the same Idempotency-Key replays the stored response (with this secret) once committed.
  const id = newId('we');
  const secret = newWebhookSecret();
  return deps.db.transaction(async (tx) => {
    const endpoint = await insertEndpoint(tx, {
      id,
      merchantId: ctx.merchantId,
      ...input,
      secretSealed: sealWebhookSecret(deps.keys.webhookSecret, ctx.merchantId, id, secret),
    });
    return finish(tx, ctx, hook, { endpoint, secret }, [
      auditRecord('webhook_endpoint.create', { endpointId: id, url: endpoint.url }),
    ]);
  });
}

export function getWebhookEndpoint(
  deps: Deps,
  merchantId: string,
  id: string,
): Promise<WebhookEndpointRecord> {
  return liveEndpoint(deps, merchantId, id);
}

export async function listWebhookEndpoints(deps: Deps, merchantId: string, page: Page) {
  return foundPage(await listEndpoints(deps.db, merchantId, page), 'webhook_endpoint', page);
}

/** Updates an endpoint; disabling it abandons its pending deliveries (they would never be sent). */
export async function changeWebhookEndpoint(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  input: { fields: EndpointFields; metadata: Metadata },
  hook?: CommitHook<WebhookEndpointRecord>,
): Promise<WebhookEndpointRecord> {
  return deps.db.transaction(async (tx) => {
    const endpoint = found(
      await updateEndpoint(tx, ctx.merchantId, id, input.fields, metadataChange(input.metadata)),
      'webhook_endpoint',
      id,
    );
    if (endpoint.status === 'disabled') await abandonPendingDeliveries(tx, id);
    return finish(tx, ctx, hook, endpoint, [
      auditRecord('webhook_endpoint.update', { endpointId: id, url: endpoint.url, status: endpoint.status }),
    ]);
  });
}

export async function removeWebhookEndpoint(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  hook?: CommitHook<{ id: string }>,
): Promise<{ id: string }> {
  return deps.db.transaction(async (tx) => {
    if (!(await deleteEndpoint(tx, ctx.merchantId, id))) throw new NotFoundError('webhook_endpoint', id);
    const abandoned = await abandonPendingDeliveries(tx, id);
    return finish(tx, ctx, hook, { id }, [
      auditRecord('webhook_endpoint.delete', { endpointId: id, abandoned }),
    ]);
  });
}

/**
 * Rolls the signing secret (Tessera's API for Stripe's dashboard action): a new secret signs from now on;
 * with `previousExpiresInSeconds` > 0 the old one signs too until then, so receivers can switch without a gap.
 */
export async function rollWebhookEndpointSecret(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  previousExpiresInSeconds: number,
  hook?: CommitHook<EndpointWithSecret>,
): Promise<EndpointWithSecret> {
  const key = deps.keys.webhookSecret;
  return deps.db.transaction(async (tx) => {
    const current = await findEndpoint(tx, ctx.merchantId, id);
    if (!current || current.deleted) throw new NotFoundError('webhook_endpoint', id);
    const secret = newWebhookSecret();
    const until =
      previousExpiresInSeconds > 0 ? new Date(Date.now() + previousExpiresInSeconds * 1000) : null;
    const previous = until
      ? {
          // re-sealed with a fresh iv: the same sealed bytes never sit in two columns
          sealed: sealWebhookSecret(
            key,
            ctx.merchantId,
            id,
            openWebhookSecret(key, ctx.merchantId, id, current.secretSealed),
          ),
          until,
        }
      : null;
    const endpoint = found(
      await replaceEndpointSecret(
        tx,
        ctx.merchantId,
        id,
        sealWebhookSecret(key, ctx.merchantId, id, secret),
        previous,
      ),
      'webhook_endpoint',
      id,
    );
    return finish(tx, ctx, hook, { endpoint, secret }, [
      auditRecord('webhook_endpoint.roll_secret', { endpointId: id, previousUntil: until }),
    ]);
  });
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function listWebhookDeliveries(deps: Deps, merchantId: string, endpointId: string, page: Page) {
  await getWebhookEndpoint(deps, merchantId, endpointId);
  const deliveries = foundPage(
    await listDeliveries(deps.db, merchantId, page, { endpoint_id: endpointId }),
    'webhook_delivery',
    page,
  );
  const attempts = await attemptsOf(
    deps.db,
    deliveries.items.map((d) => d.id),
  );
  return { ...deliveries, attempts };
}
