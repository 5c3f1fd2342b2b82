/**
 * Presigned S3 PUT URLs for CI uploads.
 *
 * @module
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Presigns one PUT of `key` with `contentType` signed in, valid `expiresIn`
 * seconds; with `contentLength`, the body's exact size is signed in too.
 */
export type PresignPut = (
  key: string,
  contentType: string,
  expiresIn: number,
  contentLength?: number,
) => Promise<string>;

/**
 * A {@link PresignPut} over `client` for `bucket`. The Content-Type (and the
 * Content-Length when given) are signed headers, so the client must send
 * exactly those: S3 refuses a body of another size.
 */
export function createPresignPut(client: S3Client, bucket: string): PresignPut {
  return (key, contentType, expiresIn, contentLength) =>
    getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: contentType,
        ...(contentLength === undefined ? {} : { ContentLength: contentLength }),
      }),
      {
        expiresIn,
        signableHeaders: new Set(
          contentLength === undefined ? ['content-type'] : ['content-type', 'content-length'],
        ),
      },
    );
}
