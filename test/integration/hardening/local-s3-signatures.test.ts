import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresignPut, presignedPutHeaders } from '../../../shared/ci/presigner.ts';
import { getConfig } from '../../../shared/config.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

// The local object store checks what S3 checks: SigV4 signatures (query and header forms), expiry,
// every signed header; it refuses unsigned access, answers only the console's CORS preflight.
let runtime: TestRuntime;
let s3: S3Client;
let bucket: string;

beforeAll(async () => {
  runtime = await startTestRuntime({ autoStart: false });
  bucket = getConfig().ASSAY_S3_BUCKET;
  s3 = new S3Client({
    endpoint: runtime.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}, 120_000);
afterAll(() => runtime?.stop());

const url = (key: string, query = '') => `${runtime.s3Endpoint}/${bucket}/${key}${query}`;

describe('local S3 signatures', () => {
  it('serves signed requests (header form) and refuses unsigned GET, LIST and PUT', async () => {
    const key = 'orgs/other-tenant/secret.txt';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'secret' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe('secret');
    for (const [method, target] of [
      ['GET', url(key)],
      ['GET', `${runtime.s3Endpoint}/${bucket}?list-type=2&prefix=orgs/`],
      ['PUT', url(key)],
    ] as const) {
      const res = await fetch(target, { method, ...(method === 'PUT' ? { body: 'overwritten' } : {}) });
      expect({ method, target, status: res.status }).toEqual({ method, target, status: 403 });
      expect(await res.text()).toContain('AccessDenied');
    }
    // An unsigned conditional PUT learns nothing either: 403, not 412 "the key exists".
    const probe = await fetch(url(key), { method: 'PUT', headers: { 'If-None-Match': '*' }, body: 'x' });
    expect(probe.status).toBe(403);
    const still = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await still.Body?.transformToString()).toBe('secret');
  });

  it('holds a presigned PUT to what it signed: headers, content-length, If-None-Match, key, expiry', async () => {
    const presign = createPresignPut(s3, bucket);
    const key = 'orgs/acme/documents/d1/original';
    const body = 'hello world';
    const signed = await presign(key, 'text/plain', 60, body.length);
    const headers = presignedPutHeaders('text/plain');
    // Without If-None-Match, with another content type, another length, or another key: refused.
    const tries: Array<[string, RequestInit, string]> = [
      ['no if-none-match', { headers: { 'content-type': 'text/plain' }, body }, signed],
      ['other type', { headers: { ...headers, 'content-type': 'text/html' }, body }, signed],
      ['wrong length', { headers, body: `${body}!` }, signed],
      ['other key', { headers, body }, signed.replace('/original', '/other')],
    ];
    for (const [what, init, target] of tries) {
      const res = await fetch(target, { method: 'PUT', ...init });
      expect({ what, status: res.status }).toEqual({ what, status: 403 });
      expect(await res.text()).toContain('SignatureDoesNotMatch');
    }
    const ok = await fetch(signed, { method: 'PUT', headers, body });
    expect(ok.status).toBe(200);
    // A re-PUT over the stored (ready) document: refused by the signed If-None-Match.
    const again = await fetch(signed, { method: 'PUT', headers, body });
    expect(again.status).toBe(412);

    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('expired');
    const fresh = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 60,
    });
    expect(await (await fetch(fresh)).text()).toBe(body);
  });

  it("answers the console's CORS preflight of a presigned upload, and no other origin's", async () => {
    const preflight = (origin: string) =>
      fetch(url('orgs/acme/documents/d2/original', '?X-Amz-Algorithm=AWS4-HMAC-SHA256'), {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type,if-none-match',
        },
      });
    const consoleOrigin = new URL(runtime.url).origin;
    const allowed = await preflight(consoleOrigin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('if-none-match');
    expect((await preflight('http://127.0.0.2:1')).status).toBe(403);
  });

  it('deletes an object completely, its tagging included', async () => {
    const { readdirSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const key = 'orgs/acme/tagged/dir/object.txt';
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', Tagging: 'assay-purpose=test' }),
    );
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const dir = join(runtime.dataDir, 's3', bucket, 'orgs', 'acme', 'tagged');
    expect(existsSync(dir) ? readdirSync(dir, { recursive: true }) : []).toEqual([]);
  });
});
