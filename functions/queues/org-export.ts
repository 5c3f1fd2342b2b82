import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';
import { runOrgExport } from '../../shared/org-data/export.service.ts';
import { exportMessageSchema } from '../../shared/queues/messages.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const objects = createObjectStore(getConfig());

export const handler = queueHandler(exportMessageSchema, async (message) => {
  const outcome = await runOrgExport({ db: await getDb(), objects }, message);
  getLogger().info('Organisation export handled', { exportId: message.exportId, outcome });
});
