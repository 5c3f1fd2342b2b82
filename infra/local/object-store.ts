import { mkdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver, { type S3rverMiddleware } from 's3rver';
import { decodeUriComponentOrUndefined } from '../../shared/text/decode.ts';

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

/**
 * Koa middleware placed before s3rver's own: refuses paths that escape the
 * bucket (400 `InvalidURI`), and honours `If-None-Match: *` on a PUT as S3
 * does since 2024 (412 `PreconditionFailed` when the key exists), which
 * s3rver ignores — so presigned report uploads are write-once locally too.
 */
/** A PUT on a sub-resource (tags, ACL, a multipart part) rather than the object itself. */
function isSubresource(querystring: string): boolean {
  const query = new URLSearchParams(querystring);
  return ['tagging', 'acl', 'uploadId', 'partNumber'].some((name) => query.has(name));
}

const guardRequests: S3rverMiddleware = async (ctx, next) => {
  if (escapesBucket(ctx.path)) {
    ctx.status = 400;
    ctx.type = 'application/xml';
    ctx.body = s3Error('InvalidURI', 'The key must stay inside its bucket (no "." or ".." segments).');
    return;
  }
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

/**
 * The bucket's CORS rules, as on AWS (infra/stack.ts): the console, on the
 * runtime's own loopback origin (any port), PUTs documents to presigned URLs
 * and reads screenshots and downloads.
 */
const CONSOLE_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>http://127.0.0.1:*</AllowedOrigin>
    <AllowedOrigin>http://localhost:*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface LocalObjectStore {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver on loopback with the bucket created, objects kept in
 * `dataDir/s3` (see {@link guardRequests}: no path escapes the bucket, and
 * `If-None-Match: *` PUTs are write-once). Every object-created event is passed to `onObjectCreated`.
 * s3rver does not check signatures: it is a development stand-in only.
 */
export async function startLocalObjectStore(options: {
  dataDir: string;
  bucket: string;
  port: number;
  onObjectCreated: (record: S3EventRecord) => Promise<void>;
  onError: (error: unknown) => void;
}): Promise<LocalObjectStore> {
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [CONSOLE_CORS] }],
  });
  // First in Koa's stack: nothing below it sees a path that escapes the bucket.
  server.middleware.unshift(guardRequests);
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
