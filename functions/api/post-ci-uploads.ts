import { createS3Client } from '../../shared/adapters/object-store.ts';
import { createPresignPut } from '../../shared/ci/presigner.ts';
import { issueCiUpload } from '../../shared/ci/uploads.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postCiUploads } from '../contracts/ci.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();
const presignPut = createPresignPut(createS3Client(config), config.ASSAY_S3_BUCKET);
const oidc = { issuer: config.ASSAY_GITHUB_OIDC_ISSUER, jwksUrl: config.ASSAY_GITHUB_OIDC_JWKS_URL };

export const handler = httpHandler(postCiUploads, async ({ body, headers }) =>
  issueCiUpload({ db: await getDb(), oidc, presignPut }, headers, body),
);
