import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getOrgExport as readOrgExport } from '../../shared/org-data/export.service.ts';
import { getOrgExport } from '../contracts/org-data.ts';
import { httpHandler } from '../kit/http-handler.ts';

const objects = createObjectStore(getConfig());

export const handler = httpHandler(getOrgExport, async ({ params }, { access }) =>
  readOrgExport(await getDb(), objects, access!, params.id),
);
