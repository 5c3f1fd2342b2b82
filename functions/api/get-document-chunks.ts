import { getDb } from '../../shared/db/connection.ts';
import { listDocumentChunks } from '../../shared/documents/documents.service.ts';
import { getDocumentChunks } from '../contracts/documents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getDocumentChunks, async ({ params, query }, { access }) =>
  listDocumentChunks(await getDb(), access!.orgId, params.id, query),
);
