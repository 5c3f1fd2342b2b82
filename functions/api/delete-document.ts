import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { deleteDocument as removeDocument } from '../../shared/documents/documents.service.ts';
import { deleteDocument } from '../contracts/documents.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

const objects = createObjectStore(getConfig());

export const handler = httpHandler(deleteDocument, async ({ params }, { access, actor }) => {
  await removeDocument(
    { db: await getDb(), deleteObject: (key) => objects.delete(key) },
    access!,
    actor,
    params.id,
  );
  return new HttpResponse(204, undefined);
});
