import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';

/**
 * Durable local queues with SQS semantics, kept in the embedded database so a
 * restart loses nothing. Used by the local runtime and by the local queue
 * publisher; never on AWS.
 */

export interface LocalQueueMessage {
  id: string;
  queue: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  receiptHandle: string;
}

export interface DeadLetter {
  id: string;
  queue: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  lastError: string | null;
  deadAt: number;
}

interface MessageRow {
  id: string;
  queue: string;
  body: string;
  sent_at: string;
  receive_count: number;
  first_received_at: string | null;
  receipt_handle: string | null;
  last_error: string | null;
  dead_at: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: the store works on any Kysely whose schema it owns.
type AnyDb = Kysely<any>;

/** Creates the store's schema if it is not there yet (idempotent). */
export async function ensureLocalQueueSchema(db: AnyDb): Promise<void> {
  await sql`create schema if not exists assay_local`.execute(db);
  await sql`create table if not exists assay_local.queue_messages (
    seq bigserial primary key,
    id uuid not null unique,
    queue text not null,
    body text not null,
    sent_at bigint not null,
    visible_at bigint not null,
    receive_count int not null default 0,
    first_received_at bigint,
    receipt_handle text,
    last_error text,
    dead_at bigint
  )`.execute(db);
  await sql`create index if not exists queue_messages_ready_idx
    on assay_local.queue_messages (queue, visible_at) where dead_at is null`.execute(db);
}

/** Adds a message; it becomes visible after `delaySeconds`. */
export async function sendLocalMessage(
  db: AnyDb,
  queue: string,
  body: string,
  options: { delaySeconds?: number; now?: number } = {},
): Promise<string> {
  const id = randomUUID();
  const now = options.now ?? Date.now();
  await sql`insert into assay_local.queue_messages (id, queue, body, sent_at, visible_at)
    values (${id}, ${queue}, ${body}, ${now}, ${now + (options.delaySeconds ?? 0) * 1000})`.execute(db);
  return id;
}

/**
 * Receives up to `max` visible messages, hiding them for `visibilityTimeoutMs`.
 * Messages already received `maxReceiveCount` times move to the dead-letter
 * list instead of being delivered again, as SQS's redrive policy does.
 */
export async function receiveLocalMessages(
  db: AnyDb,
  queue: string,
  options: { max: number; visibilityTimeoutMs: number; maxReceiveCount: number; now?: number },
): Promise<LocalQueueMessage[]> {
  const now = options.now ?? Date.now();
  await sql`update assay_local.queue_messages set dead_at = ${now}
    where queue = ${queue} and dead_at is null and visible_at <= ${now}
      and receive_count >= ${options.maxReceiveCount}`.execute(db);
  const result = await sql<MessageRow>`update assay_local.queue_messages m
    set receive_count = m.receive_count + 1,
        visible_at = ${now + options.visibilityTimeoutMs},
        first_received_at = coalesce(m.first_received_at, ${now}),
        receipt_handle = gen_random_uuid()::text
    where m.seq in (
      select seq from assay_local.queue_messages
      where queue = ${queue} and dead_at is null and visible_at <= ${now}
      order by seq limit ${options.max}
      for update skip locked)
    returning m.*`.execute(db);
  return result.rows
    .map((row) => ({
      id: row.id,
      queue: row.queue,
      body: row.body,
      sentAt: Number(row.sent_at),
      receiveCount: row.receive_count,
      firstReceivedAt: row.first_received_at === null ? null : Number(row.first_received_at),
      receiptHandle: row.receipt_handle ?? '',
    }))
    .sort((a, b) => a.sentAt - b.sentAt);
}

/** Deletes a received message; a stale receipt handle (message re-received since) deletes nothing. */
export async function deleteLocalMessage(db: AnyDb, receiptHandle: string): Promise<boolean> {
  const result =
    await sql`delete from assay_local.queue_messages where receipt_handle = ${receiptHandle}`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Records why the last attempt failed (shown when the message is dead-lettered). */
export async function recordLocalFailure(db: AnyDb, receiptHandle: string, error: string): Promise<void> {
  await sql`update assay_local.queue_messages set last_error = ${error.slice(0, 4000)}
    where receipt_handle = ${receiptHandle}`.execute(db);
}

/** Makes a failed message visible again after `delayMs` (local stand-in for ChangeMessageVisibility). */
export async function changeLocalVisibility(
  db: AnyDb,
  receiptHandle: string,
  visibleAt: number,
): Promise<void> {
  await sql`update assay_local.queue_messages set visible_at = ${visibleAt}
    where receipt_handle = ${receiptHandle}`.execute(db);
}

/** Lists the dead letters of a queue, oldest first. */
export async function listDeadLetters(db: AnyDb, queue: string): Promise<DeadLetter[]> {
  const result = await sql<MessageRow>`select * from assay_local.queue_messages
    where queue = ${queue} and dead_at is not null order by seq`.execute(db);
  return result.rows.map((row) => ({
    id: row.id,
    queue: row.queue,
    body: row.body,
    sentAt: Number(row.sent_at),
    receiveCount: row.receive_count,
    lastError: row.last_error,
    deadAt: Number(row.dead_at),
  }));
}

/** Moves dead letters (all, or the given ids) back to their queue with a fresh receive count. */
export async function redriveDeadLetters(db: AnyDb, queue: string, ids?: readonly string[]): Promise<number> {
  const now = Date.now();
  const filter = ids && ids.length > 0 ? sql`and id in (${sql.join(ids)})` : sql``;
  const result = await sql`update assay_local.queue_messages
    set dead_at = null, receive_count = 0, visible_at = ${now}, receipt_handle = null, last_error = null
    where queue = ${queue} and dead_at is not null ${filter}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Counts messages by state, for readiness checks and the CLI. */
export async function countLocalMessages(
  db: AnyDb,
  queue: string,
): Promise<{ visible: number; inFlight: number; dead: number }> {
  const now = Date.now();
  const result = await sql<{ visible: string; in_flight: string; dead: string }>`select
      count(*) filter (where dead_at is null and visible_at <= ${now}) as visible,
      count(*) filter (where dead_at is null and visible_at > ${now}) as in_flight,
      count(*) filter (where dead_at is not null) as dead
    from assay_local.queue_messages where queue = ${queue}`.execute(db);
  const row = result.rows[0];
  return {
    visible: Number(row?.visible ?? 0),
    inFlight: Number(row?.in_flight ?? 0),
    dead: Number(row?.dead ?? 0),
  };
}
