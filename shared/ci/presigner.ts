/**
 * Presigned S3 PUT URLs for CI uploads.
 *
 * @module
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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
 * Headers the client must send with a presigned PUT: the signed Content-Type,
 * and `If-None-Match: *` — a conditional write (S3, since August 2024), so a
 * second PUT to the same URL is refused (412) instead of replacing the object.
 */
export function presignedPutHeaders(contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'if-none-match': '*' };
}

/**
 * A {@link PresignPut} over `client` for `bucket`. Content-Type and
 * If-None-Match are signed headers ({@link presignedPutHeaders}): the client
 * must send exactly those, so it cannot drop the write-once condition. With a
 * `contentLength`, the Content-Length is signed too: S3 refuses a body of
 * another size.
 */
export function createPresignPut(client: S3Client, bucket: string): PresignPut {
  return (key, contentType, expiresIn, contentLength) =>
    getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: contentType,
        IfNoneMatch: '*',
        ...(contentLength === undefined ? {} : { ContentLength: contentLength }),
      }),
      {
        expiresIn,
        signableHeaders: new Set(
          contentLength === undefined
            ? ['content-type', 'if-none-match']
            : ['content-type', 'if-none-match', 'content-length'],
        ),
      },
    );
}

/** Presigns one GET of `key`, valid `expiresIn` seconds; with `filename`, served as a download of that name. */
export type PresignGet = (key: string, expiresIn: number, filename?: string) => Promise<string>;

/** A {@link PresignGet} over `client` for `bucket` (exports, screenshots and other artifacts). */
export function createPresignGet(client: S3Client, bucket: string): PresignGet {
  return (key, expiresIn, filename) => {
    const disposition = filename
      ? `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`
      : undefined;
    return getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: disposition }),
      { expiresIn },
    );
  };
}
