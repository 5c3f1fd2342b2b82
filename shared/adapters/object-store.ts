import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';

/** Credentials the local S3 (s3rver) accepts; it does not check signatures. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * The S3 client for this runtime. With `ASSAY_S3_ENDPOINT` (local s3rver,
 * MinIO, R2) it uses path-style addressing; checksums only when required, so
 * presigned PUT URLs carry no checksum parameter a plain `curl` would miss.
 */
export function createS3Client(config: Config): S3Client {
  const endpoint = config.ASSAY_S3_ENDPOINT;
  return new S3Client({
    region: config.AWS_REGION,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          credentials: config.ASSAY_RUNTIME === 'local' ? LOCAL_CREDENTIALS : undefined,
        }
      : {}),
  });
}
