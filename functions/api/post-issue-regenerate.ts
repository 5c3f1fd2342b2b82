import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { requestRegeneration } from '../../shared/checklists/issues.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postIssueRegenerate } from '../contracts/issues.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());

export const handler = httpHandler(postIssueRegenerate, async ({ params }, { access, actor }) =>
  requestRegeneration(await getDb(), publisher, access!.orgId, actor, params),
);
