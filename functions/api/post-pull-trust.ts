import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { trustPullHead } from '../../shared/ci/fork-trust.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { queues } from '../../shared/queues/messages.ts';
import { postPullTrust } from '../contracts/ci.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());

export const handler = httpHandler(postPullTrust, async ({ params, body }, { access, actor }) => {
  const { result, validation } = await trustPullHead(
    await getDb(),
    access!.orgId,
    actor,
    params,
    body.headSha,
  );
  await publisher.send(queues.validation, validation);
  return result;
});
