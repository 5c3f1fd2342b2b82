import type { Kysely } from 'kysely';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import type { Database } from '../db/database.ts';
import { queues } from '../queues/messages.ts';
import { findStuckDeliveries, markEnqueued } from './deliveries.repository.ts';

/**
 * The outbox sweeper: deliveries still `received` `olderThanSeconds` after
 * they arrived (and not re-enqueued since) go back on the intake queue, so a
 * failed enqueue never loses a delivery. Processing is claim-protected, so an
 * extra copy is harmless. Returns how many were re-enqueued.
 */
export async function sweepDeliveries(deps: {
  db: Kysely<Database>;
  publisher: QueuePublisher;
  olderThanSeconds: number;
  limit: number;
}): Promise<number> {
  const stuck = await findStuckDeliveries(deps.db, deps.olderThanSeconds, deps.limit);
  for (const deliveryId of stuck) {
    await deps.publisher.send(queues.intake, { deliveryId });
    await markEnqueued(deps.db, deliveryId, true);
  }
  return stuck.length;
}
