import { type Kysely, sql } from 'kysely';
import type { Database, DeliveryStatus } from '../db/database.ts';

// webhook_deliveries has no tenant and no row-level security: it is reached
// with the connection's own role (the schema owner), without a role switch.

export interface NewDelivery {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  payload: string | null;
  payloadKey: string | null;
  payloadBytes: number;
}

/** Records a delivery unless one with the same id exists; true when this call inserted it. */
export async function insertDelivery(db: Kysely<Database>, delivery: NewDelivery): Promise<boolean> {
  const row = await db
    .insertInto('webhook_deliveries')
    .values({
      delivery_id: delivery.deliveryId,
      event: delivery.event,
      action: delivery.action,
      installation_id: delivery.installationId,
      payload: delivery.payload,
      payload_key: delivery.payloadKey,
      payload_bytes: delivery.payloadBytes,
    })
    .onConflict((oc) => oc.column('delivery_id').doNothing())
    .returning('delivery_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Notes that the delivery's id is on the intake queue. */
export async function markEnqueued(db: Kysely<Database>, deliveryId: string, sweep = false): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      enqueued_at: sql<Date>`now()`,
      sweeps: sweep ? eb('sweeps', '+', 1) : eb.ref('sweeps'),
    }))
    .where('delivery_id', '=', deliveryId)
    .execute();
}

export type ClaimedDelivery = Awaited<ReturnType<typeof claimDelivery>>;

/**
 * Takes a delivery for processing: only one that is `received` or `failed`
 * and not claimed within `leaseSeconds`. Undefined when it is done or being
 * processed elsewhere, so copies of one message are processed at most once.
 */
export async function claimDelivery(db: Kysely<Database>, deliveryId: string, leaseSeconds: number) {
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ claimed_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1) }))
    .where('delivery_id', '=', deliveryId)
    .where('status', 'in', ['received', 'failed'])
    .where((eb) =>
      eb.or([
        eb('claimed_at', 'is', null),
        eb('claimed_at', '<', sql<Date>`now() - make_interval(secs => ${leaseSeconds})`),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Records the end of processing: `processed` or `ignored` with what was done, or `failed` with the error. */
export async function finishDelivery(
  db: Kysely<Database>,
  deliveryId: string,
  result: { status: Exclude<DeliveryStatus, 'received'>; outcome?: string; error?: string },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: result.status,
      outcome: result.outcome ?? null,
      error: result.error?.slice(0, 4000) ?? null,
      claimed_at: null,
      processed_at: result.status === 'failed' ? null : sql<Date>`now()`,
    })
    .where('delivery_id', '=', deliveryId)
    .execute();
}

/** Deliveries still `received` this long after arrival and not (re-)enqueued recently. */
export async function findStuckDeliveries(
  db: Kysely<Database>,
  olderThanSeconds: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select('delivery_id')
    .where('status', '=', 'received')
    .where('received_at', '<=', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .where((eb) =>
      eb.or([
        eb('enqueued_at', 'is', null),
        eb('enqueued_at', '<=', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`),
      ]),
    )
    .orderBy('received_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.delivery_id);
}
