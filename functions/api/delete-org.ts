import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { requestOrgDeletion } from '../../shared/org-data/deletion.service.ts';
import { deleteOrg } from '../contracts/org-data.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());

export const handler = httpHandler(deleteOrg, async ({ body }, { access, actor }) =>
  requestOrgDeletion(await getDb(), publisher, access!, actor, body.confirm),
);
