import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';
import { runOrgDeletion } from '../../shared/org-data/deletion.service.ts';
import { deletionMessageSchema } from '../../shared/queues/messages.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const objects = createObjectStore(getConfig());

export const handler = queueHandler(deletionMessageSchema, async (message) => {
  const outcome = await runOrgDeletion({ db: await getDb(), objects }, message.deletionId);
  getLogger().info('Organisation deletion handled', { deletionId: message.deletionId, outcome });
});
