/**
 * An organisation's webhook deliveries as admins see them — what arrived,
 * what became of it and why — and redelivering one.
 *
 * `webhook_deliveries` has no tenant column (a delivery is recorded before
 * Assay knows whose it is): an organisation's deliveries are those of its
 * installations, read as the system role.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Database, DeliveryStatus } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { page, parsePatternCursor } from '../identity/pagination.ts';
import { iso, isoOrNull } from '../identity/rows.ts';
import { queues } from '../queues/messages.ts';
import { markEnqueued } from './deliveries.repository.ts';

/** A delivery as the API shows it. */
export interface DeliveryView {
  id: string;
  event: string;
  action: string | null;
  status: DeliveryStatus;
  /** Why it was ignored, or the error it failed with; what was done when processed. */
  reason: string | null;
  outcome: string | null;
  attempts: number;
  installationId: number | null;
  payloadBytes: number;
  receivedAt: string;
  processedAt: string | null;
}

const deliveryColumns = [
  'd.delivery_id',
  'd.event',
  'd.action',
  'd.status',
  'd.outcome',
  'd.error',
  'd.attempts',
  'd.installation_id',
  'd.payload_bytes',
  'd.received_at',
  'd.processed_at',
] as const;

function view(row: {
  delivery_id: string;
  event: string;
  action: string | null;
  status: DeliveryStatus;
  outcome: string | null;
  error: string | null;
  attempts: number;
  installation_id: string | number | bigint | null;
  payload_bytes: number;
  received_at: Date;
  processed_at: Date | null;
}): DeliveryView {
  return {
    id: row.delivery_id,
    event: row.event,
    action: row.action,
    status: row.status,
    reason: row.status === 'failed' ? row.error : row.status === 'ignored' ? row.outcome : null,
    outcome: row.outcome,
    attempts: row.attempts,
    installationId: row.installation_id === null ? null : Number(row.installation_id),
    payloadBytes: row.payload_bytes,
    receivedAt: iso(row.received_at),
    processedAt: isoOrNull(row.processed_at),
  };
}

/** Cursors are delivery ids (GitHub's are UUIDs; anything printable up to 100 characters is accepted). */
const deliveryIdPattern = /^[\w.:-]{1,100}$/;

/**
 * The organisation's deliveries, newest first, `limit` at a time; filtered by
 * `status` and `event`; `cursor` is the `nextCursor` of the previous page.
 */
export async function listDeliveries(
  db: Kysely<Database>,
  orgId: string,
  query: { status?: DeliveryStatus; event?: string; cursor?: string; limit: number },
): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
  const cursor = parsePatternCursor(query.cursor, deliveryIdPattern);
  return withSystem(db, async (trx) => {
    let q = trx
      .selectFrom('webhook_deliveries as d')
      .select(deliveryColumns)
      .where(
        'd.installation_id',
        'in',
        trx.selectFrom('installations').select('id').where('org_id', '=', orgId),
      )
      .orderBy('d.received_at', 'desc')
      .orderBy('d.delivery_id', 'desc')
      .limit(query.limit + 1);
    if (query.status !== undefined) q = q.where('d.status', '=', query.status);
    if (query.event !== undefined) q = q.where('d.event', '=', query.event);
    if (cursor !== undefined) {
      q = q.where(
        sql<boolean>`(d.received_at, d.delivery_id) < (select c.received_at, c.delivery_id from webhook_deliveries c where c.delivery_id = ${cursor})`,
      );
    }
    const result = page(await q.execute(), query.limit, (row) => row.delivery_id);
    return { deliveries: result.rows.map(view), nextCursor: result.nextCursor };
  });
}

/**
 * Processes delivery `id` of the organisation again: it goes back to
 * `received` (its previous outcome cleared) and onto the intake queue, and
 * the redelivery is audited in the same transaction. Processing is
 * idempotent, so a delivery already applied changes nothing twice. 404 for a
 * delivery of another organisation, as for one that does not exist.
 */
export async function redeliver(
  db: Kysely<Database>,
  publisher: QueuePublisher,
  orgId: string,
  actor: Actor,
  id: string,
): Promise<DeliveryView> {
  const row = await withSystem(db, async (trx) => {
    const updated = await trx
      .updateTable('webhook_deliveries as d')
      .set({ status: 'received', outcome: null, error: null, claimed_at: null, processed_at: null })
      .where('d.delivery_id', '=', id)
      .where(
        'd.installation_id',
        'in',
        trx.selectFrom('installations').select('id').where('org_id', '=', orgId),
      )
      .returning(deliveryColumns)
      .executeTakeFirst();
    if (!updated) throw new NotFoundError(`Webhook delivery ${id} not found`);
    await recordAudit(trx, orgId, actor, {
      action: 'webhook.redelivered',
      targetType: 'webhook_delivery',
      targetId: id,
      details: { event: updated.event, action: updated.action },
    });
    return updated;
  });
  await publisher.send(queues.intake, { deliveryId: id });
  await markEnqueued(db, id);
  return view(row);
}
