import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { requestOrgExport } from '../../shared/org-data/export.service.ts';
import { postOrgExport } from '../contracts/org-data.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());

export const handler = httpHandler(postOrgExport, async (_input, { access, actor }) =>
  requestOrgExport(await getDb(), publisher, access!, actor),
);
