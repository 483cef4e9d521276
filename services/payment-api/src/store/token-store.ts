import type { Queryable } from '../db/database.js';
import { toDate } from '../db/database.js';
import { ownedReader, type Row } from './rows.js';

export interface TokenRecord {
  readonly id: string;
  readonly merchantId: string;
  readonly paymentMethodId: string;
  readonly cardId: string;
  readonly clientIp: string | null;
  readonly used: boolean;
  readonly created: Date;
}

const COLUMNS = 'id, merchant_id, payment_method_id, card_id, client_ip, used_at, created_at';

function tokenFromRow(r: Row): TokenRecord {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    paymentMethodId: String(r.payment_method_id),
    cardId: String(r.card_id),
    clientIp: (r.client_ip as string | null) ?? null,
    used: r.used_at !== null,
    created: toDate(r.created_at),
  };
}

export const findToken = ownedReader('card_tokens', COLUMNS, tokenFromRow);

export async function insertToken(
  tx: Queryable,
  t: { id: string; merchantId: string; paymentMethodId: string; cardId: string; clientIp: string | null },
): Promise<TokenRecord> {
  const { rows } = await tx.query(
    `INSERT INTO card_tokens (id, merchant_id, payment_method_id, card_id, client_ip)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [t.id, t.merchantId, t.paymentMethodId, t.cardId, t.clientIp],
  );
  return tokenFromRow(rows[0] as Row);
}

/** Uses an unused token (one conditional UPDATE: of two concurrent uses one wins); null when it cannot. */
export async function useToken(tx: Queryable, merchantId: string, id: string): Promise<TokenRecord | null> {
  const { rows } = await tx.query(
    `UPDATE card_tokens SET used_at = clock_timestamp()
      WHERE id = $1 AND merchant_id = $2 AND used_at IS NULL
      RETURNING ${COLUMNS}`,
    [id, merchantId],
  );
  return rows[0] ? tokenFromRow(rows[0]) : null;
}
