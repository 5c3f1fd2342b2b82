/**
 * A bounded, deterministic fuzzer for every route of the topology: it sends
 * malformed path parameters, query strings, headers, cookies and bodies (and,
 * over raw sockets, malformed request lines and headers) to a running Assay on
 * loopback, and reports every answer of 500 or more, every request the server
 * dropped without an answer, and whether `/health` still answers afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { contracts } from '../../functions/contracts/index.ts';
import type { RouteEntry, RouteKey } from '../../infra/topology.types.ts';
import { mulberry32 } from '../support/prng.ts';
import { sendRaw } from '../support/raw-http.ts';
import { signBody } from '../support/webhooks.ts';

export interface FuzzTarget {
  /** `http://127.0.0.1:<port>` of the running runtime. */
  baseUrl: string;
  routes: Readonly<Record<string, RouteEntry>>;
  /** A valid bearer token (so requests get past authentication and reach validation and services). */
  bearer: string;
  /** Path parameter values that exist (an org login, an owner/repo), mixed in with hostile ones. */
  known: Readonly<Record<string, string>>;
  /** Signs webhook bodies, so hostile payloads reach the intake consumer. */
  webhookSecret: string;
}

export interface FuzzOptions {
  requests: number;
  seed: number;
  /** Also called every `checkEvery` requests and at the end; a failed health check stops the run. */
  checkEvery?: number;
}

export interface FuzzFailure {
  request: string;
  status: number;
  body: string;
}

export interface FuzzReport {
  sent: number;
  byStatus: Record<number, number>;
  failures: FuzzFailure[];
  healthy: boolean;
}

/** Path segments, already percent-encoded as they go on the wire. */
const BAD_SEGMENTS = [
  '%',
  '%ff',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '%00',
  '%C0%AE%C0%AE',
  '..',
  '%2e%2e',
  '%2F',
  'a%00b',
  '%F0%9F%9A%80',
  '2147483648',
  '-1',
  '0',
  '1e309',
  'NaN',
  'x'.repeat(5000),
  '%27%3B--',
  '%3Cscript%3E',
  '%5Cu0000',
  '00000000-0000-0000-0000-00000000000g',
];

/** Values for query parameters and JSON strings, decoded. */
const BAD_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\udc00\ud800',
  '',
  ' ',
  '%ZZ',
  '../../etc/passwd',
  'x'.repeat(10_000),
  '🚀'.repeat(300),
  "'; drop table orgs; --",
  '2147483648',
  '-1',
  '1e309',
  'null',
  'refs/heads/\u0000',
  '2026-13-45T99:99:99Z',
];

const QUERY_NAMES = [
  'cursor',
  'limit',
  'branch',
  'actor',
  'action',
  'targetType',
  'targetId',
  'since',
  'until',
  'state',
  'sha',
  'returnTo',
  'code',
  'unread',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
  '\u00ff',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function badJsonValue(random: () => number, depth = 0): unknown {
  const roll = random();
  if (roll < 0.45) return pick(random, BAD_TEXT);
  if (roll < 0.6) return pick(random, [0, -1, 2 ** 31, 2 ** 53 + 1, 1e308, -0, 0.5, Number.MAX_SAFE_INTEGER]);
  if (roll < 0.68) return pick(random, [null, true, false]);
  if (roll < 0.8 && depth < 3) return [badJsonValue(random, depth + 1), badJsonValue(random, depth + 1)];
  if (depth < 3) return { [pick(random, BAD_TEXT)]: badJsonValue(random, depth + 1) };
  return '';
}

/** Keys of a route's JSON body schema, so values land on the fields a route reads. */
function bodyKeys(schema: z.ZodType | undefined): string[] {
  const def = schema?._zod.def as { shape?: Record<string, unknown> } | undefined;
  return def?.shape ? Object.keys(def.shape) : [];
}

function badBody(random: () => number, keys: readonly string[]): string {
  const roll = random();
  if (roll < 0.08) return '';
  if (roll < 0.16)
    return pick(random, ['{', 'null', '[]', '"x"', '1', 'true', '{"a":}', '\u0000', '{"__proto__":{"x":1}}']);
  if (roll < 0.2) return `${'['.repeat(5000)}${']'.repeat(5000)}`;
  if (roll < 0.24)
    return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1');
  const body: Record<string, unknown> = {};
  for (const key of keys) if (random() < 0.8) body[key] = badJsonValue(random);
  if (random() < 0.3) body[pick(random, BAD_TEXT)] = badJsonValue(random);
  // JSON.stringify writes lone surrogates as \ud800 escapes: exactly what a hostile client sends.
  return JSON.stringify(body);
}

function badHeaders(random: () => number, target: FuzzTarget): Record<string, string> {
  const headers: Record<string, string> = {};
  const auth = random();
  if (auth < 0.6) headers.authorization = `Bearer ${target.bearer}`;
  else if (auth < 0.75)
    headers.authorization = pick(random, [
      'Bearer',
      'Bearer ',
      'Basic Zm9vOmJhcg==',
      'Bearer assay_pat_%00',
      'Bearer a.b.c',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      `Bearer ${'x'.repeat(4000)}`,
    ]);
  if (random() < 0.3)
    headers.cookie = pick(random, [
      'assay_session=%ZZ',
      'assay_session=%E0%A4%A; assay_refresh=%ff',
      'assay_refresh=%00',
      'assay_oauth_state=%',
      '=;;=;assay_session',
      `assay_session=${'a'.repeat(3000)}`,
      'assay_session=a.b.c',
    ]);
  if (random() < 0.7) headers['content-type'] = pick(random, CONTENT_TYPES);
  if (random() < 0.2) headers.origin = pick(random, ['null', 'http://evil.example', '%ZZ']);
  if (random() < 0.2)
    headers['x-github-event'] = pick(random, ['issues', 'pull_request', 'ping', '../x', 'A B']);
  if (random() < 0.2) headers['x-github-delivery'] = pick(random, [randomUUID(), '%00', 'x'.repeat(200)]);
  if (random() < 0.1) headers['x-hub-signature-256'] = pick(random, ['sha256=', 'sha256=zz', 'md5=abc']);
  return headers;
}

function pathFor(random: () => number, routeKey: string, target: FuzzTarget): string {
  const path = routeKey.slice(routeKey.indexOf(' ') + 1);
  return path.replace(/\{(\w+)\+?\}/g, (_whole, name: string) => {
    const known = target.known[name];
    return known !== undefined && random() < 0.4 ? known : pick(random, BAD_SEGMENTS);
  });
}

function queryFor(random: () => number): string {
  if (random() < 0.3) return '';
  if (random() < 0.15) return pick(random, ['?%ZZ=%', '?a=%00&a=%ff', '?=&=&', '?limit=1&limit=2', '?%']);
  const params = new URLSearchParams();
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i += 1) params.append(pick(random, QUERY_NAMES), pick(random, BAD_TEXT));
  return `?${params.toString()}`;
}

/** Malformed request lines and headers, sent as raw bytes. */
const RAW_REQUESTS = [
  'GARBAGE\r\n\r\n',
  'GET\r\n\r\n',
  'GET / HTTP/7.0\r\nHost: x\r\n\r\n',
  'GET /docs/%ff HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: [\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: [::1\r\n\r\n',
  'GET /api/v1/orgs/%ZZ/members HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /he\u0000alth HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: x\r\nX: \u0001\u0000\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: x\r\nNo-Colon\r\n\r\n',
  `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  'POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
  'POST /ci/uploads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n',
  'GET http://[/health HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\n\r\n',
];

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(10_000) })).status === 200;
  } catch {
    return false;
  }
}

/** Sends `options.requests` hostile requests spread over every route of `target.routes`. */
export async function fuzzRoutes(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const random = mulberry32(options.seed);
  const port = Number(new URL(target.baseUrl).port);
  const keysByRoute = new Map(contracts.map((c) => [c.route as string, bodyKeys(c.body)]));
  const routeKeys = Object.keys(target.routes) as RouteKey[];
  const report: FuzzReport = { sent: 0, byStatus: {}, failures: [], healthy: true };
  const record = (request: string, status: number, body: string) => {
    report.sent += 1;
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
    if (status >= 500 || status === 0) report.failures.push({ request, status, body: body.slice(0, 500) });
  };
  const checkEvery = options.checkEvery ?? 100;
  for (let i = 0; i < options.requests; i += 1) {
    if (random() < 0.06) {
      const raw = pick(random, RAW_REQUESTS);
      const answer = await sendRaw(port, raw);
      record(`raw ${JSON.stringify(raw.slice(0, 120))}`, answer.status, answer.text);
    } else {
      const routeKey = routeKeys[i % routeKeys.length] as RouteKey;
      const method = routeKey.slice(0, routeKey.indexOf(' '));
      const url = `${target.baseUrl}${pathFor(random, routeKey, target)}${queryFor(random)}`;
      const headers = badHeaders(random, target);
      const body = method === 'GET' ? undefined : badBody(random, keysByRoute.get(routeKey) ?? []);
      if (routeKey === 'POST /webhooks/github' && body !== undefined && random() < 0.6) {
        headers['content-type'] = 'application/json';
        headers['x-github-event'] ??= 'issues';
        headers['x-github-delivery'] = randomUUID();
        headers['x-hub-signature-256'] = signBody(body, target.webhookSecret);
      }
      const label = `${method} ${url.slice(target.baseUrl.length, 200)} ${JSON.stringify(headers).slice(0, 200)} ${JSON.stringify(body?.slice(0, 200))}`;
      try {
        const response = await fetch(url, { method, headers, body, redirect: 'manual' });
        record(label, response.status, await response.text());
      } catch (error) {
        // fetch refuses some headers itself (that is the client, not the server); a dropped connection is a failure.
        if (
          error instanceof TypeError &&
          /header|Headers|ByteString/i.test(String(error.cause ?? error.message))
        )
          continue;
        record(label, 0, String(error));
      }
    }
    if ((i + 1) % checkEvery === 0 && !(await healthy(target.baseUrl))) {
      report.healthy = false;
      return report;
    }
  }
  report.healthy = await healthy(target.baseUrl);
  return report;
}
