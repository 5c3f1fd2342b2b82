import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { requestRevalidation } from '../../shared/manifests/pull-actions.service.ts';
import { postPullRevalidate } from '../contracts/issues.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());

export const handler = httpHandler(postPullRevalidate, async ({ params }, { access, actor }) =>
  requestRevalidation(await getDb(), publisher, access!, actor, params),
);
