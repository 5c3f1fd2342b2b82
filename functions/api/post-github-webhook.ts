import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';
import { receiveWebhook } from '../../shared/webhooks/receive.service.ts';
import { postGithubWebhook } from '../contracts/webhooks.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

const config = getConfig();
const publisher = createQueuePublisher(config);
const objects = createObjectStore(config);

export const handler = httpHandler(postGithubWebhook, async ({ headers, rawBody }) => {
  const result = await receiveWebhook(
    {
      db: await getDb(),
      publisher,
      objects,
      webhookSecret: () => getAppSecret('webhook'),
      inlineMaxBytes: config.ASSAY_WEBHOOK_INLINE_MAX_BYTES,
      onEnqueueError: (deliveryId, error) =>
        getLogger().error('Enqueue failed; the sweeper will retry', { deliveryId, error: error as Error }),
    },
    { headers, rawBody },
  );
  return result.status === 'duplicate' ? HttpResponse.json(200, result) : result;
});
