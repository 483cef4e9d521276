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
 * Appends events in the caller's transaction. They are queued for `sealAudit`, which links them into their
 * merchant's hash chain shortly after, so no request waits on a chain head.
 */
export async function appendAudit(db: Queryable, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(AUDIT_INSERT(1), auditParams(events));
}

/** The audit INSERT with its parameters numbered from `first` (to embed it in a larger statement). */
export const AUDIT_INSERT = (first: number) =>
  `INSERT INTO audit_log (id, chain_id, merchant_id, actor, action, outcome, object_type, object_id, source_ip,
                            request_id, details)
     SELECT 'aud_' || replace(gen_random_uuid()::text, '-', ''), coalesce(e.merchant_id, $${first + 9}),
            e.merchant_id, e.actor, e.action, e.outcome, e.object_type, e.object_id,
            e.source_ip, e.request_id, e.details::jsonb
       FROM unnest($${first + 0}::text[], $${first + 1}::text[], $${first + 2}::text[], $${first + 3}::text[], $${first + 4}::text[], $${first + 5}::text[], $${first + 6}::text[], $${first + 7}::text[],
                   $${first + 8}::text[]) WITH ORDINALITY AS e(merchant_id, actor, action, outcome, object_type, object_id,
                   source_ip, request_id, details, ord)
      ORDER BY e.ord`;

export function auditParams(events: readonly AuditEvent[]): unknown[] {
  const col = <K extends keyof AuditEvent>(k: K) => events.map((e) => e[k] ?? null);
  return [
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
  ];
}

/**
 * Links queued audit records into their chains, in batches, until the queue is empty (or `maxBatches` ran).
 * Returns how many were sealed.
 */
export async function sealAudit(db: Queryable, batchSize = 1000, maxBatches = 100): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i += 1) {
    const { rows } = await db.query<{ sealed: number }>('SELECT audit_seal($1) AS sealed', [batchSize]);
    const sealed = Number(rows[0]?.sealed ?? 0);
    total += sealed;
    if (sealed < batchSize) break;
  }
  return total;
}

/**
 * Returns the sequence number of the first chain link whose hash or link does not verify, 0 when a record is
 * neither chained nor queued for sealing, or null when the chain verifies. Seal first to cover recent records.
 */
export async function verifyAuditChain(db: Queryable, chainId: string): Promise<number | null> {
  const { rows } = await db.query<{ seq: unknown }>(
    `SELECT seq FROM (
       SELECT c.seq, c.hash, c.prev_hash, audit_row_hash(c.prev_hash, c.seq, a) AS expected,
              lag(c.hash) OVER (ORDER BY c.seq) AS previous, lag(c.seq) OVER (ORDER BY c.seq) AS previous_seq
         FROM audit_chain c JOIN audit_log a ON a.id = c.audit_id AND a.chain_id = c.chain_id
        WHERE c.chain_id = $1) c
      WHERE c.hash <> c.expected
         OR (c.previous IS NOT NULL AND c.prev_hash <> c.previous)
         OR (c.previous_seq IS NOT NULL AND c.seq <> c.previous_seq + 1)
         OR (c.previous_seq IS NULL AND c.seq <> 1)
     UNION ALL
     SELECT 0 FROM audit_log a
      WHERE a.chain_id = $1 AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM audit_unsealed u WHERE u.audit_id = a.id)
      ORDER BY seq LIMIT 1`,
    [chainId],
  );
  return rows[0] ? Number(rows[0].seq) : null;
}
