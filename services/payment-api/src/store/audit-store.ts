import type { Queryable } from '../db/database.js';

/** The chain used for events that belong to no merchant (e.g. an unknown API key). */
export const PLATFORM_CHAIN = '_platform';

/** One PCI DSS 10.2.2 audit record: who, what, outcome, which object, from where (when = database clock). */
export interface AuditEvent {
  readonly merchantId: string | null;
  readonly actor: string;
  readonly action: string;
  readonly outcome: 'success' | 'failure';
  readonly objectType?: string;
  readonly objectId?: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Appends events; a trigger assigns the per-merchant sequence number and hash chain. Call it last in a
 * transaction: it locks the merchant's chain head until commit.
 */
export async function appendAudit(db: Queryable, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const col = <K extends keyof AuditEvent>(k: K) => events.map((e) => e[k] ?? null);
  await db.query(
    `INSERT INTO audit_log (chain_id, merchant_id, actor, action, outcome, object_type, object_id, source_ip,
                            request_id, details, prev_hash, hash)
     SELECT coalesce(e.merchant_id, $10), e.merchant_id, e.actor, e.action, e.outcome, e.object_type, e.object_id,
            e.source_ip, e.request_id, e.details::jsonb, ''::bytea, ''::bytea
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[]) WITH ORDINALITY AS e(merchant_id, actor, action, outcome, object_type, object_id,
                   source_ip, request_id, details, ord)
      ORDER BY e.ord`,
    [
      col('merchantId'),
      col('actor'),
      col('action'),
      col('outcome'),
      col('objectType'),
      col('objectId'),
      col('sourceIp'),
      col('requestId'),
      events.map((e) => JSON.stringify(e.details ?? {})),
      PLATFORM_CHAIN,
    ],
  );
}

/** Returns the sequence number of the first record whose hash or link does not verify, or null. */
export async function verifyAuditChain(db: Queryable, chainId: string): Promise<number | null> {
  const { rows } = await db.query<{ seq: unknown }>(
    `SELECT seq FROM (
       SELECT a.seq, a.hash, a.prev_hash, audit_row_hash(a.prev_hash, a) AS expected,
              lag(a.hash) OVER (ORDER BY a.seq) AS previous, lag(a.seq) OVER (ORDER BY a.seq) AS previous_seq
         FROM audit_log a WHERE a.chain_id = $1) c
      WHERE c.hash <> c.expected
         OR (c.previous IS NOT NULL AND c.prev_hash <> c.previous)
         OR (c.previous_seq IS NOT NULL AND c.seq <> c.previous_seq + 1)
         OR (c.previous_seq IS NULL AND c.seq <> 1)
      ORDER BY seq LIMIT 1`,
    [chainId],
  );
  return rows[0] ? Number(rows[0].seq) : null;
}
