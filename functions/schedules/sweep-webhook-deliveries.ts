import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';
import { sweepDeliveries } from '../../shared/webhooks/sweep.service.ts';

const config = getConfig();
const publisher = createQueuePublisher(config);

/** EventBridge schedule: re-enqueues deliveries left `received` (an enqueue that failed after the row was stored). */
export const handler = async (): Promise<{ requeued: number }> => {
  const requeued = await sweepDeliveries({
    db: await getDb(),
    publisher,
    olderThanSeconds: config.ASSAY_WEBHOOK_SWEEP_AFTER_SECONDS,
    limit: 500,
  });
  if (requeued > 0) getLogger().warn('Re-enqueued stuck webhook deliveries', { requeued });
  return { requeued };
};
