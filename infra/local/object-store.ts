import { mkdirSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver, { type S3rverMiddleware } from 's3rver';
import { decodeUriComponentOrUndefined } from '../../shared/text/decode.ts';
import { verifySigV4 } from './sigv4.ts';

/** The one key pair of the local store (what `shared/adapters/object-store.ts` signs with locally). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** S3 event notifications carry keys URL-encoded with spaces as `+`; s3rver sends them raw. */
function awsEventKey(raw: string): string {
  return encodeURIComponent(raw).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/**
 * Whether a request path (percent-encoded, as received) could reach outside
 * its bucket's directory: a `.` or `..` segment (also spelled `%2e%2e`), a
 * backslash or NUL, or encoding that does not decode. s3rver joins keys onto
 * its directory as they are, so such paths are refused before it sees them.
 */
export function escapesBucket(rawPath: string): boolean {
  const decoded = decodeUriComponentOrUndefined(rawPath);
  if (decoded === undefined) return true;
  if (decoded.includes('\\') || decoded.includes('\u0000')) return true;
  return decoded.split('/').some((segment) => segment === '.' || segment === '..');
}

const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** A PUT on a sub-resource (tags, ACL, a multipart part) rather than the object itself. */
function isSubresource(querystring: string): boolean {
  const query = new URLSearchParams(querystring);
  return ['tagging', 'acl', 'uploadId', 'partNumber'].some((name) => query.has(name));
}

/** First in Koa's stack: refuses paths that escape the bucket (400 `InvalidURI`), signed or not. */
const refuseEscapingPaths: S3rverMiddleware = async (ctx, next) => {
  if (escapesBucket(ctx.path)) {
    ctx.status = 400;
    ctx.type = 'application/xml';
    ctx.body = s3Error('InvalidURI', 'The key must stay inside its bucket (no "." or ".." segments).');
    return;
  }
  return next();
};

/**
 * After the signature check: honours `If-None-Match: *` on a PUT as S3 does
 * since 2024 (412 `PreconditionFailed` when the key exists), which s3rver
 * ignores — so presigned report uploads are write-once locally too. Only a
 * signed request learns whether a key exists.
 */
const honourIfNoneMatch: S3rverMiddleware = async (ctx, next) => {
  if (ctx.method === 'PUT' && ctx.headers['if-none-match'] === '*' && !isSubresource(ctx.querystring)) {
    const [bucket = '', ...key] = (decodeUriComponentOrUndefined(ctx.path) ?? '').slice(1).split('/');
    if (key.length > 0 && (await ctx.store.existsObject(bucket, key.join('/')))) {
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body = s3Error(
        'PreconditionFailed',
        'At least one of the preconditions you specified did not hold.',
      );
      return;
    }
  }
  return next();
};

const xml = (ctx: Parameters<S3rverMiddleware>[0], status: number, code: string, message: string) => {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = s3Error(code, message);
};

/**
 * What S3 does and s3rver does not, in front of it: every request must carry
 * a valid SigV4 signature ({@link verifySigV4}: presigned query or
 * Authorization header, expiry, every signed header as signed) except the
 * CORS preflight of a browser's presigned upload from an allowed origin (the
 * console, served by the local runtime); responses to allowed origins carry
 * the CORS headers S3's bucket CORS rule would add.
 */
function checkSignatures(allowedOrigins: () => readonly string[]): S3rverMiddleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    const allowed = origin !== '' && allowedOrigins().includes(origin);
    if (ctx.method === 'OPTIONS') {
      const method = ctx.get('access-control-request-method');
      if (!allowed || !['PUT', 'GET', 'HEAD'].includes(method))
        return xml(ctx, 403, 'AccessForbidden', 'CORSResponse: this origin or method is not allowed.');
      ctx.status = 200;
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, PUT');
      const requested = ctx.get('access-control-request-headers');
      if (requested) ctx.set('Access-Control-Allow-Headers', requested);
      ctx.set('Access-Control-Max-Age', '3000');
      ctx.set('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
      ctx.body = '';
      return;
    }
    const [rawPath = '', rawQuery = ''] = ctx.originalUrl.split(/\?(.*)/s);
    const result = verifySigV4({ method: ctx.method, rawPath, rawQuery, headers: ctx.headers }, (id) =>
      id === LOCAL_S3_CREDENTIALS.accessKeyId ? LOCAL_S3_CREDENTIALS.secretAccessKey : undefined,
    );
    if (!result.ok) return xml(ctx, 403, result.code, result.message);
    await next();
    if (allowed) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', 'ETag');
      ctx.vary('Origin');
    }
  };
}

/**
 * After s3rver deletes an object, removes what it leaves beside it (the
 * object's tagging and other sub-resource files) and the directories that
 * are then empty, so a deleted object leaves nothing on disk, as in S3.
 */
function deleteCompletely(directory: string): S3rverMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'DELETE' || ctx.status !== 204 || ctx.querystring !== '') return;
    const [bucket = '', ...key] = (decodeUriComponentOrUndefined(ctx.path) ?? '').slice(1).split('/');
    if (key.length === 0 || key.at(-1) === '') return;
    const bucketPath = join(directory, bucket);
    const objectPath = join(bucketPath, ...key);
    const folder = dirname(objectPath);
    const prefix = `${basename(objectPath)}._S3rver_`;
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) if (name.startsWith(prefix)) unlinkSync(join(folder, name));
    for (let dir = folder; dir.startsWith(`${bucketPath}/`); dir = dirname(dir)) {
      if (readdirSync(dir).length > 0) break;
      rmdirSync(dir);
    }
  };
}

export interface LocalObjectStore {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver on loopback with the bucket created, objects kept in
 * `dataDir/s3` (see {@link refuseEscapingPaths}: no path escapes the bucket; {@link honourIfNoneMatch}:
 * `If-None-Match: *` PUTs are write-once). Every object-created event is passed to `onObjectCreated`.
 * In front of s3rver (unmaintained, and permissive where S3 refuses), the
 * store checks SigV4 signatures and refuses unsigned access
 * ({@link checkSignatures}), answers the console's CORS preflight, and deletes
 * objects completely ({@link deleteCompletely}).
 */
export async function startLocalObjectStore(options: {
  dataDir: string;
  bucket: string;
  port: number;
  onObjectCreated: (record: S3EventRecord) => Promise<void>;
  onError: (error: unknown) => void;
  /** Origins whose browsers may PUT/GET presigned URLs (the console's); read on each request. */
  allowedOrigins?: () => readonly string[];
}): Promise<LocalObjectStore> {
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  // First in Koa's stack: nothing below it sees a path that escapes the bucket.
  server.middleware.unshift(
    refuseEscapingPaths,
    checkSignatures(options.allowedOrigins ?? (() => [])),
    honourIfNoneMatch,
    deleteCompletely(directory),
  );
  // s3rver does not pass a listen error to its caller (it becomes an uncaught
  // 'error' event): a taken port is found first and reported as listen would.
  if (options.port !== 0) await assertPortFree(options.port);
  const address = (await server.run()) as AddressInfo;
  server.on('event', (event: S3Event) => {
    for (const record of event.Records ?? []) {
      if (!record.eventName.startsWith('ObjectCreated')) continue;
      const key = awsEventKey(record.s3.object.key);
      options
        .onObjectCreated({ ...record, s3: { ...record.s3, object: { ...record.s3.object, key } } })
        .catch(options.onError);
    }
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      await server.close();
    },
  };
}

/** Rejects with the `listen` error (`EADDRINUSE` …) when 127.0.0.1:`port` cannot be bound. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
