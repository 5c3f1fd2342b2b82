import { createS3Client } from '../../shared/adapters/object-store.ts';
import { createPresignPut } from '../../shared/ci/presigner.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { createDocumentUpload } from '../../shared/documents/documents.service.ts';
import { postDocument } from '../contracts/documents.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();
const presignPut = createPresignPut(createS3Client(config), config.ASSAY_S3_BUCKET);

export const handler = httpHandler(postDocument, async ({ body }, { access, actor }) =>
  createDocumentUpload(
    { db: await getDb(), presignPut, maxBytes: config.ASSAY_DOCUMENT_MAX_BYTES },
    access!,
    actor,
    body,
  ),
);
