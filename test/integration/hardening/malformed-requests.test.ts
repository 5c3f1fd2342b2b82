import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { TEST_SESSION_SECRET } from '../../support/identity.ts';
import { rawGet, sendRaw } from '../../support/raw-http.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;
let s3Port: number;

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  runtime = await startTestRuntime({ autoStart: false });
  s3Port = Number(new URL(process.env.ASSAY_S3_ENDPOINT ?? '').port);
});

afterAll(async () => {
  await runtime.dispose();
});

const port = () => Number(new URL(runtime.url).port);
const healthy = async () => (await fetch(`${runtime.url}/health`)).status;

describe('the local HTTP server answers every request and never dies from one', () => {
  it('answers 400 to a malformed percent-escape in a path parameter (GET /docs/%ff)', async () => {
    for (const target of [
      '/docs/%ff',
      '/docs/%E0%A4%A',
      '/api/v1/orgs/%ZZ/members',
      '/api/v1/orgs/%/members',
    ]) {
      const response = await sendRaw(port(), rawGet(target));
      expect(response.status, target).toBe(400);
      expect(response.text).toContain('bad_request');
    }
    expect(await healthy()).toBe(200);
  });

  it('answers 400 to a Host header that is not a host (Host: [)', async () => {
    for (const host of ['[', 'a b', '[::1', 'x:99999999', '%']) {
      const response = await sendRaw(port(), rawGet('/health', [`Host: ${host}`]));
      expect(response.status, host).toBe(400);
    }
    expect(await healthy()).toBe(200);
  });

  it('answers 400 to request lines and headers the HTTP parser refuses, and keeps serving', async () => {
    const requests = [
      'GARBAGE\r\n\r\n',
      'GET /health HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
      'GET /health HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ];
    for (const request of requests) {
      const response = await sendRaw(port(), request);
      expect([400, 0], JSON.stringify(request)).toContain(response.status);
    }
    // An absolute-form target and a path starting with // are paths, not other hosts.
    expect((await sendRaw(port(), rawGet('http://127.0.0.1/health'))).status).toBe(200);
    expect((await sendRaw(port(), rawGet('//evil.example/health'))).status).toBe(404);
    expect(await healthy()).toBe(200);
  });

  it('treats a session cookie that is not valid percent-encoding as absent (401, never 500)', async () => {
    const cookie = { cookie: 'assay_session=%ZZ; assay_refresh=%ZZ; assay_oauth_state=%E0%A4%A' };
    const origin = { origin: 'http://127.0.0.1' };
    expect((await fetch(`${runtime.url}/api/v1/me`, { headers: cookie })).status).toBe(401);
    expect((await fetch(`${runtime.url}/api/v1/orgs`, { headers: cookie })).status).toBe(401);
    const refresh = await fetch(`${runtime.url}/auth/refresh`, {
      method: 'POST',
      headers: { ...cookie, ...origin },
    });
    expect(refresh.status).toBe(401);
    const logout = await fetch(`${runtime.url}/auth/logout`, {
      method: 'POST',
      headers: { ...cookie, ...origin },
    });
    expect(logout.status).toBe(401);
    const callback = await fetch(`${runtime.url}/auth/callback?code=abc&state=def`, {
      headers: cookie,
      redirect: 'manual',
    });
    expect(callback.status).toBe(400);
    expect(((await callback.json()) as { error: { code: string } }).error.code).toBe('invalid_state');
  });
});

describe('the local S3 keeps every object inside its bucket', () => {
  // Sent as raw bytes, so the paths reach the store exactly as written. A path
  // that escapes the bucket must be refused whatever the request carries
  // (unsigned here); a key inside the bucket goes through a presigned URL, as
  // the local store refuses unsigned writes.
  const put = (path: string, headers: string[] = []) =>
    sendRaw(
      s3Port,
      `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s3Port}\r\nContent-Length: 5\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\nhello`,
    );
  /** A presigned PUT of `key` (with `If-None-Match: *` signed in when `ifNoneMatch`), sent raw. */
  const signedPut = async (key: string, ifNoneMatch = false) => {
    const config = getConfig();
    const url = new URL(
      await getSignedUrl(
        createS3Client(config),
        new PutObjectCommand({
          Bucket: config.ASSAY_S3_BUCKET,
          Key: key,
          ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
        }),
        { expiresIn: 60, ...(ifNoneMatch ? { signableHeaders: new Set(['if-none-match']) } : {}) },
      ),
    );
    return put(`${url.pathname}${url.search}`, ifNoneMatch ? ['If-None-Match: *'] : []);
  };

  it('refuses keys with .. or . segments (also percent-encoded) before s3rver sees them', async () => {
    const dataDir = runtime.dataDir;
    const before = readdirSync(dataDir).sort();
    for (const path of [
      '/assay-local/../../x',
      '/assay-local/../escaped',
      '/assay-local/a/%2e%2e/%2e%2e/%2e%2e/y',
      '/assay-local/a/..%2f..%2f..%2fz',
      '/assay-local/./w',
      '/..%2f..%2fv',
      '/assay-local/a%5c..%5c..%5cu',
      '/assay-local/%ZZ',
    ]) {
      const response = await put(path);
      expect(response.status, path).toBe(400);
      expect(response.text).toContain('InvalidURI');
    }
    expect(readdirSync(dataDir).sort()).toEqual(before);
    for (const name of ['x', 'escaped', 'y', 'z', 'v', 'u']) {
      expect(existsSync(join(dataDir, name))).toBe(false);
      expect(existsSync(join(dataDir, 's3', name))).toBe(false);
    }
    // A key inside the bucket is still stored.
    expect((await signedPut('inside/ok.txt')).status).toBe(200);
    expect(existsSync(join(dataDir, 's3', 'assay-local', 'inside'))).toBe(true);
  });

  it('honours If-None-Match: * on PUT, as S3 does: a second write to the key is refused with 412', async () => {
    expect((await signedPut('once/report.xml', true)).status).toBe(200);
    const again = await signedPut('once/report.xml', true);
    expect(again.status).toBe(412);
    expect(again.text).toContain('PreconditionFailed');
  });
});
