/**
 * The crawl's only way out to the network: every URL is resolved here, each
 * resolved address is checked ({@link classifyAddress}), and the connection
 * goes to exactly the address that was checked — so a name that resolves to a
 * public address for the check and a private one a moment later (DNS
 * rebinding) cannot slip through. The browser never resolves or connects by
 * itself: its requests are fulfilled from {@link guardedFetch}.
 *
 * @module
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type AllowedHost, classifyAddress, isAllowedHost, isIpLiteral } from './address.ts';

/** A target the crawl will not connect to, and why (`reason` is safe to show the user). */
export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Refused ${url}: ${reason}`);
  }
}

/** A response body over the size limit. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`response is larger than ${limitBytes} bytes`);
  }
}

/** Resolves a host name to its addresses (`dns.lookup` with `all: true` by default; tests pass a table). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Checks targets before any connection; see {@link createNetworkGuard}. */
export interface NetworkGuard {
  /**
   * The address to connect to for `url`, after checking every address its
   * host resolves to.
   *
   * @throws TargetRefusedError for a non-http(s) scheme, a name that does not
   *   resolve, or any resolved address that is not public and not allowed.
   */
  resolve(url: string): Promise<{ address: string; family: 4 | 6 }>;
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' || protocol === 'wss:' ? 443 : 80;
}

/**
 * A {@link NetworkGuard}: http(s) (and ws(s), for WebSockets) only; the URL's
 * host is resolved with `resolver`, and every address it resolves to must be
 * public unless the host, or that address, is on `allowedHosts` for the
 * URL's port (`ASSAY_CRAWL_ALLOWED_HOSTS`).
 */
export function createNetworkGuard(options: {
  allowedHosts: readonly AllowedHost[];
  resolver?: Resolver;
}): NetworkGuard {
  const resolver = options.resolver ?? systemResolver;
  return {
    async resolve(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new TargetRefusedError(raw, 'not a valid URL');
      }
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
        throw new TargetRefusedError(raw, `scheme ${url.protocol} is not fetched`);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = url.port ? Number(url.port) : defaultPort(url.protocol);
      let addresses: { address: string; family: number }[];
      if (isIpLiteral(host)) {
        addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
      } else {
        try {
          addresses = await resolver(host);
        } catch (error) {
          throw new TargetRefusedError(
            raw,
            `host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          );
        }
        if (addresses.length === 0) throw new TargetRefusedError(raw, `host ${host} does not resolve`);
      }
      const hostAllowed = isAllowedHost(options.allowedHosts, host, port);
      for (const { address } of addresses) {
        if (hostAllowed || isAllowedHost(options.allowedHosts, address, port)) continue;
        const verdict = classifyAddress(address);
        if (!verdict.allowed)
          throw new TargetRefusedError(
            raw,
            `${host} resolves to a ${verdict.range} address (${address}), which is not allowed`,
          );
      }
      const first = addresses[0]!;
      return { address: first.address, family: first.family === 6 ? 6 : 4 };
    },
  };
}

/** What {@link guardedFetch} answers. Set-Cookie values are kept apart; the body is decoded. */
export interface FetchedResponse {
  status: number;
  statusText: string;
  /** Lower-case names; several values of one header are joined with `, ` (Set-Cookie with `\n`). */
  headers: Record<string, string>;
  body: Buffer;
}

const DROPPED_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'accept-encoding',
]);
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
]);

function decoded(stream: Readable, encoding: string | undefined): Readable {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return stream.pipe(zlib.createGunzip());
    case 'deflate':
      return stream.pipe(zlib.createInflate());
    case 'br':
      return stream.pipe(zlib.createBrotliDecompress());
    default:
      return stream;
  }
}

/**
 * One HTTP request through the guard, redirects not followed (the caller —
 * the browser — asks for the next hop, which is checked again). The body is
 * decoded (gzip, deflate, br) and cut off at `maxBytes` of decoded bytes.
 *
 * @throws TargetRefusedError before connecting to a refused target;
 *   ResponseTooLargeError past `maxBytes`; the socket's error (ECONNREFUSED,
 *   a TLS certificate error …) or `Error('timed out')` after `timeoutMs`.
 */
export async function guardedFetch(
  guard: NetworkGuard,
  request: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | null;
    timeoutMs: number;
    maxBytes: number;
    signal?: AbortSignal;
  },
): Promise<FetchedResponse> {
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetRefusedError(request.url, `scheme ${url.protocol} is not fetched`);
  const { address, family } = await guard.resolve(request.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!DROPPED_REQUEST_HEADERS.has(name.toLowerCase()) && !name.startsWith(':')) headers[name] = value;
  }
  headers.host = url.host;
  headers['accept-encoding'] = 'gzip, deflate, br';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<FetchedResponse>((resolve, reject) => {
    const req = client.request({
      host: address,
      family,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: request.method ?? 'GET',
      headers,
      // TLS: SNI and certificate checks against the name, while the socket goes to the checked address.
      ...(url.protocol === 'https:' && !isIpLiteral(hostname) ? { servername: hostname } : {}),
      agent: false,
      signal: request.signal,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const body = decoded(res, res.headers['content-encoding']);
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) {
          req.destroy(new ResponseTooLargeError(request.maxBytes));
          body.destroy();
          fail(new ResponseTooLargeError(request.maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      body.on('error', fail);
      body.on('end', () => {
        clearTimeout(timer);
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
          out[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value;
        }
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: out,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(request.body ?? undefined);
  });
}
