/**
 * AWS Signature Version 4 checking for the local object store, as S3 checks
 * it (AWS "Signature Version 4 signing process", "Authenticating requests:
 * using query parameters" and "using the Authorization header"): the
 * canonical request over the method, the path as sent, the sorted query, the
 * signed headers (so a signed `content-length`, `content-type` or
 * `if-none-match` must be sent exactly as signed) and the payload hash; the
 * HMAC-SHA256 key derived from the secret, day, region and service; expiry
 * of presigned URLs (`X-Amz-Expires`, at most 7 days) and a 15-minute clock
 * skew for signed headers. A request with neither form is unsigned.
 *
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** The path as received, percent-encoding included. */
  rawPath: string;
  /** The query string as received, without `?`. */
  rawQuery: string;
  /** Lower-case header names; repeated headers joined with `,`. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string }
  | {
      ok: false;
      code:
        | 'AccessDenied'
        | 'SignatureDoesNotMatch'
        | 'InvalidAccessKeyId'
        | 'AuthorizationQueryParametersError';
      message: string;
    };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
const MAX_SKEW_MS = 15 * 60 * 1000;

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Z a-z 0-9 - _ . ~`. */
function sigv4Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeQueryComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return value;
  }
}

function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1
      ? [decodeQueryComponent(pair), '']
      : [decodeQueryComponent(pair.slice(0, eq)), decodeQueryComponent(pair.slice(eq + 1))];
  });
}

function canonicalQuery(pairs: Array<[string, string]>): string {
  return pairs
    .map(([k, v]) => [sigv4Encode(k), sigv4Encode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** `20260131T120000Z` → epoch ms; NaN when malformed. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

interface Parts {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  payloadHash: string;
  query: Array<[string, string]>;
  expires?: number;
}

function fail(code: Extract<SigV4Result, { ok: false }>['code'], message: string): SigV4Result {
  return { ok: false, code, message };
}

/**
 * Checks `request`'s SigV4 signature (query or header form) with the secret
 * `secretFor` gives its access key id, at time `now`.
 */
export function verifySigV4(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): SigV4Result {
  const query = parseQuery(request.rawQuery);
  const q = new Map(query);
  const authorization = headerValue(request.headers, 'authorization');
  let parts: Parts;
  if (q.has('X-Amz-Signature') || q.has('X-Amz-Algorithm')) {
    if (q.get('X-Amz-Algorithm') !== ALGORITHM)
      return fail('AuthorizationQueryParametersError', `X-Amz-Algorithm must be ${ALGORITHM}`);
    const expires = Number(q.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS)
      return fail('AuthorizationQueryParametersError', 'X-Amz-Expires must be 1 to 604800 seconds');
    parts = {
      credential: q.get('X-Amz-Credential') ?? '',
      signedHeaders: q.get('X-Amz-SignedHeaders') ?? '',
      signature: q.get('X-Amz-Signature') ?? '',
      amzDate: q.get('X-Amz-Date') ?? '',
      payloadHash: 'UNSIGNED-PAYLOAD',
      query: query.filter(([k]) => k !== 'X-Amz-Signature'),
      expires,
    };
  } else if (authorization?.startsWith(`${ALGORITHM} `)) {
    const fields = new Map(
      authorization
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((field) => field.trim().split('=') as [string, string]),
    );
    parts = {
      credential: fields.get('Credential') ?? '',
      signedHeaders: fields.get('SignedHeaders') ?? '',
      signature: fields.get('Signature') ?? '',
      amzDate: headerValue(request.headers, 'x-amz-date') ?? '',
      payloadHash: headerValue(request.headers, 'x-amz-content-sha256') ?? sha256Hex(''),
      query,
    };
  } else {
    return fail('AccessDenied', 'Anonymous access is forbidden: the request carries no SigV4 signature');
  }

  const [accessKeyId = '', day = '', region = '', service = '', terminal = ''] = parts.credential.split('/');
  const secret = secretFor(accessKeyId);
  if (secret === undefined)
    return fail('InvalidAccessKeyId', 'The access key id does not exist in our records');
  const signedAt = parseAmzDate(parts.amzDate);
  if (
    Number.isNaN(signedAt) ||
    !parts.amzDate.startsWith(day) ||
    service !== 's3' ||
    terminal !== 'aws4_request'
  )
    return fail('AuthorizationQueryParametersError', 'Malformed credential scope or X-Amz-Date');
  if (parts.expires !== undefined) {
    if (now.getTime() > signedAt + parts.expires * 1000) return fail('AccessDenied', 'Request has expired');
    if (signedAt - now.getTime() > MAX_SKEW_MS) return fail('AccessDenied', 'Request is not valid yet');
  } else if (Math.abs(now.getTime() - signedAt) > MAX_SKEW_MS) {
    return fail('AccessDenied', 'The difference between the request time and the current time is too large');
  }
  const signedHeaders = parts.signedHeaders.split(';').filter(Boolean);
  if (!signedHeaders.includes('host')) return fail('AccessDenied', 'The host header must be signed');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(headerValue(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.rawPath,
    canonicalQuery(parts.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/${terminal}`;
  const stringToSign = [ALGORITHM, parts.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), terminal);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(parts.signature) ? parts.signature : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return fail(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided (a signed header — content-length, content-type, if-none-match — differs, or the URL was changed)',
    );
  return { ok: true, accessKeyId };
}
