import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { redeliver } from '../../shared/webhooks/deliveries-view.service.ts';
import { postWebhookRedeliver } from '../contracts/repos.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());

export const handler = httpHandler(postWebhookRedeliver, async ({ params }, { access, actor }) =>
  redeliver(await getDb(), publisher, access!.orgId, actor, params.id),
);
