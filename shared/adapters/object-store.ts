import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createPresignGet } from '../ci/presigner.ts';
import type { Config } from '../config.ts';

/** Credentials of the local S3 (s3rver behind a layer that checks SigV4 signatures with them: infra/local/sigv4.ts). */
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

/** An ETag without the quotes S3 puts around it (`"abc"` → `abc`), or `null`. */
export function normalizeEtag(etag: string | null | undefined): string | null {
  if (!etag) return null;
  return etag.replace(/^"|"$/g, '');
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
  /** The object's bytes as a stream with the ETag of the version being read (quotes removed). */
  openVersion(key: string): Promise<{ body: Readable; etag: string | null }>;
  delete(key: string): Promise<void>;
  /** Replaces the object's tags (lifecycle rules expire objects by tag). */
  tag(key: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Every object under `prefix` (current versions), in key order, listed a page (≤ 1,000) at a time. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /**
   * Streams `body` into `key` as a multipart upload (8 MiB parts, two in flight), so an object of
   * any size passes through bounded memory. Resolves once S3 has the whole object.
   */
  uploadStream(key: string, body: Readable, contentType: string): Promise<void>;
  /**
   * Removes every object under `prefix` — on a versioned bucket every version and delete marker too,
   * so nothing of it remains — in batches of ≤ 1,000 keys. Resolves to the number of objects removed
   * (current objects; versions of one key count once). Safe to repeat.
   */
  purgePrefix(prefix: string): Promise<number>;
  /** A presigned GET of `key` valid `expiresIn` seconds, served as a download named `filename`. */
  presignGet(key: string, expiresIn: number, filename?: string): Promise<string>;
}

/** One listed object. */
export interface StoredObject {
  key: string;
  /** Bytes. */
  size: number;
}

/** S3-compatible stores without versioning (the local s3rver) refuse `?versions`; they hold one version. */
function versionsUnsupported(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NotImplemented' ||
      error.name === 'MethodNotAllowed' ||
      error.$metadata.httpStatusCode === 405 ||
      error.$metadata.httpStatusCode === 501)
  );
}

async function deleteBatch(client: S3Client, Bucket: string, Objects: ObjectIdentifier[]): Promise<void> {
  if (Objects.length === 0) return;
  const result = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
  const failed = result.Errors?.filter((e) => e.Code !== 'NoSuchKey' && e.Code !== 'NoSuchVersion') ?? [];
  if (failed.length > 0) {
    const first = failed[0];
    throw new Error(`S3 refused to delete ${failed.length} object(s), e.g. ${first?.Key}: ${first?.Code}`);
  }
}

async function purgeVersions(client: S3Client, Bucket: string, Prefix: string): Promise<number> {
  let removed = 0;
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListObjectVersionsCommand({ Bucket, Prefix, KeyMarker, VersionIdMarker, MaxKeys: 1000 }),
    );
    const objects: ObjectIdentifier[] = [];
    for (const v of page.Versions ?? []) {
      if (!v.Key) continue;
      objects.push({ Key: v.Key, VersionId: v.VersionId });
      if (v.IsLatest) removed += 1;
    }
    for (const m of page.DeleteMarkers ?? []) if (m.Key) objects.push({ Key: m.Key, VersionId: m.VersionId });
    await deleteBatch(client, Bucket, objects);
    KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (KeyMarker !== undefined);
  return removed;
}

async function* listObjects(client: S3Client, Bucket: string, Prefix: string): AsyncGenerator<StoredObject> {
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken, MaxKeys: 1000 }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key) yield { key: object.Key, size: object.Size ?? 0 };
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken !== undefined);
}

/** An {@link ObjectStore} over S3 (or any S3-compatible endpoint). */
export function createObjectStore(config: Config, client = createS3Client(config)): ObjectStore {
  const Bucket = config.ASSAY_S3_BUCKET;
  const openVersion: ObjectStore['openVersion'] = async (key) => {
    const result = await client.send(new GetObjectCommand({ Bucket, Key: key }));
    if (!(result.Body instanceof Readable)) throw new Error(`Object ${key} has no readable body`);
    return { body: result.Body, etag: normalizeEtag(result.ETag) };
  };
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
      return (await openVersion(key)).body;
    },
    openVersion,
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async tag(key, tags) {
      const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      await client.send(new PutObjectTaggingCommand({ Bucket, Key: key, Tagging: { TagSet } }));
    },
    list(prefix) {
      return listObjects(client, Bucket, prefix);
    },
    async uploadStream(key, body, contentType) {
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: body, ContentType: contentType },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
    },
    async purgePrefix(prefix) {
      try {
        return await purgeVersions(client, Bucket, prefix);
      } catch (error) {
        if (!versionsUnsupported(error)) throw error;
      }
      let removed = 0;
      let batch: ObjectIdentifier[] = [];
      // Deleting while listing would move the listing's continuation point: list a page, delete it, list again.
      for (;;) {
        batch = [];
        for await (const object of listObjects(client, Bucket, prefix)) {
          batch.push({ Key: object.key });
          if (batch.length === 1000) break;
        }
        if (batch.length === 0) return removed;
        await deleteBatch(client, Bucket, batch);
        removed += batch.length;
      }
    },
    presignGet: createPresignGet(client, Bucket),
  };
}
