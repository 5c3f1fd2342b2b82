import { type Kysely, sql, type Transaction } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/database.ts';

/** Who did something, and from where. */
export interface Actor {
  type: 'user' | 'api_token' | 'system' | 'github';
  id: string | null;
  login: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** The actor for a principal calling from `ip` with `userAgent`. */
export function actorOf(principal: Principal, ip: string | null, userAgent: string | null): Actor {
  return principal.kind === 'user'
    ? { type: 'user', id: principal.userId, login: principal.login, ip, userAgent }
    : { type: 'api_token', id: principal.tokenId, login: principal.login, ip, userAgent };
}

/**
 * Appends an audit event for `orgId`. Call it in the same transaction as the
 * change it records. The database chains the row to the previous one (hash of
 * the previous hash and this row) and refuses any later UPDATE or DELETE.
 */
export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  orgId: string,
  actor: Actor,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      org_id: orgId,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_login: actor.login,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      ip: actor.ip,
      user_agent: actor.userAgent?.slice(0, 500) ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  /** Return events older than this id (the cursor). */
  before?: string;
  limit: number;
}

/** Audit events of the current tenant, newest first, filtered, one page (cursor = the last id). */
export async function listAuditEvents(trx: Transaction<Database>, query: AuditQuery) {
  let q = trx
    .selectFrom('audit_events')
    .select([
      'id',
      'created_at',
      'actor_type',
      'actor_id',
      'actor_login',
      'action',
      'target_type',
      'target_id',
      'ip',
      'user_agent',
      'details',
      'hash',
    ])
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.actor) q = q.where('actor_login', '=', query.actor);
  if (query.targetType) q = q.where('target_type', '=', query.targetType);
  if (query.targetId) q = q.where('target_id', '=', query.targetId);
  if (query.since) q = q.where('created_at', '>=', query.since);
  if (query.until) q = q.where('created_at', '<', query.until);
  if (query.before) q = q.where('id', '<', query.before);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return { events: page, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export interface ChainVerification {
  valid: boolean;
  checked: number;
  /** The first event whose link is broken, when one is. */
  brokenAt: { id: string; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'head_mismatch' } | null;
}

const GENESIS = '0'.repeat(64);

/**
 * Walks the organisation's chain from the first event: each row's `prev_hash`
 * must be the previous row's `hash`, and its `hash` must be the digest of its
 * own content (the same SQL function that wrote it). The chain head must be the
 * last row's hash, so a deleted tail is caught too. Reports the first broken link.
 */
export async function verifyAuditChain(
  trx: Transaction<Database>,
  orgId: string,
): Promise<ChainVerification> {
  let previous = GENESIS;
  let after = '0';
  let checked = 0;
  for (;;) {
    const rows = await sql<{ id: string; prev_hash: string; hash: string; recomputed: string }>`
      select e.id, e.prev_hash, e.hash, audit_event_digest(e.prev_hash, e) as recomputed
      from audit_events e where e.org_id = ${orgId} and e.id > ${after} order by e.id limit 2000`.execute(
      trx,
    );
    for (const row of rows.rows) {
      if (row.prev_hash !== previous)
        return { valid: false, checked, brokenAt: { id: row.id, reason: 'prev_hash_mismatch' } };
      if (row.recomputed !== row.hash)
        return { valid: false, checked, brokenAt: { id: row.id, reason: 'hash_mismatch' } };
      previous = row.hash;
      after = row.id;
      checked += 1;
    }
    if (rows.rows.length < 2000) break;
  }
  const head = await sql<{
    last_hash: string;
  }>`select last_hash from audit_chain_heads where org_id = ${orgId}`.execute(trx);
  const expected = head.rows[0]?.last_hash ?? GENESIS;
  if (expected !== previous)
    return { valid: false, checked, brokenAt: { id: after, reason: 'head_mismatch' } };
  return { valid: true, checked, brokenAt: null };
}
