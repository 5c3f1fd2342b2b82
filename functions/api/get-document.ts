import { getDb } from '../../shared/db/connection.ts';
import { getDocument as readDocument } from '../../shared/documents/documents.service.ts';
import { getDocument } from '../contracts/documents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getDocument, async ({ params }, { access }) =>
  readDocument(await getDb(), access!.orgId, params.id),
);
