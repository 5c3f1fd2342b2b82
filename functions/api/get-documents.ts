import { getDb } from '../../shared/db/connection.ts';
import { listDocuments } from '../../shared/documents/documents.service.ts';
import { getDocuments } from '../contracts/documents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getDocuments, async ({ query }, { access }) =>
  listDocuments(await getDb(), access!.orgId, query),
);
