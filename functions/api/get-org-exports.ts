import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { listOrgExports } from '../../shared/org-data/export.service.ts';
import { getOrgExports } from '../contracts/org-data.ts';
import { httpHandler } from '../kit/http-handler.ts';

const objects = createObjectStore(getConfig());

export const handler = httpHandler(getOrgExports, async ({ query }, { access }) =>
  listOrgExports(await getDb(), objects, access!, query),
);
