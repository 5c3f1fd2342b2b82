/**
 * Presigned S3 PUT URLs for CI uploads.
 *
 * @module
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Presigns one PUT of `key` with `contentType` signed in, valid `expiresIn` seconds. */
export type PresignPut = (key: string, contentType: string, expiresIn: number) => Promise<string>;

/**
 * A {@link PresignPut} over `client` for `bucket`. The Content-Type is a signed
 * header, so the client must send exactly the one returned with the URL.
 */
export function createPresignPut(client: S3Client, bucket: string): PresignPut {
  return (key, contentType, expiresIn) =>
    getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), {
      expiresIn,
      signableHeaders: new Set(['content-type']),
    });
}

/** Presigns one GET of `key`, valid `expiresIn` seconds. */
export type PresignGet = (key: string, expiresIn: number) => Promise<string>;

/** A {@link PresignGet} over `client` for `bucket` (screenshots and other artifacts shown to the dashboard). */
export function createPresignGet(client: S3Client, bucket: string): PresignGet {
  return (key, expiresIn) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
}
