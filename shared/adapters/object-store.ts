import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
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

/** The few object operations the domain needs, on the configured bucket. */
export interface ObjectStore {
  putText(key: string, body: string, contentType: string): Promise<void>;
  /** Stores bytes, optionally tagged at once (lifecycle rules expire objects by tag). */
  putBytes(
    key: string,
    body: Uint8Array,
    contentType: string,
    tags?: Readonly<Record<string, string>>,
  ): Promise<void>;
  getText(key: string): Promise<string>;
  /** The object's bytes as a stream (for large reports). */
  openStream(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** Replaces the object's tags (lifecycle rules expire objects by tag). */
  tag(key: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

/** An {@link ObjectStore} over S3 (or any S3-compatible endpoint). */
export function createObjectStore(config: Config, client = createS3Client(config)): ObjectStore {
  const Bucket = config.ASSAY_S3_BUCKET;
  return {
    async putText(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async putBytes(key, body, contentType, tags) {
      const Tagging = tags ? new URLSearchParams(Object.entries(tags)).toString() : undefined;
      await client.send(
        new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, Tagging }),
      );
    },
    async getText(key) {
      const result = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      if (!result.Body) throw new Error(`Object ${key} has no body`);
      return result.Body.transformToString('utf8');
    },
    async openStream(key) {
      const result = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      if (!(result.Body instanceof Readable)) throw new Error(`Object ${key} has no readable body`);
      return result.Body;
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async tag(key, tags) {
      const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      await client.send(new PutObjectTaggingCommand({ Bucket, Key: key, Tagging: { TagSet } }));
    },
  };
}
