import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { type Actor, actorOf } from '../../shared/audit/audit.ts';
import { type OrgAccess, requirePermission, resolveOrgAccess } from '../../shared/auth/org-access.ts';
import { authenticate, type Principal } from '../../shared/auth/principal.ts';
import { assertUnderRateLimit, consumeRateLimit } from '../../shared/auth/rate-limit.ts';
import { sessionKey } from '../../shared/auth/session-jwt.ts';
import { type Config, getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.ts';
import type { RouteContract } from './route-contract.ts';

export interface Guarded {
  principal?: Principal;
  access?: OrgAccess;
  actor: Actor;
  clientIp: string | null;
  userAgent: string | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
let key: Promise<Uint8Array> | undefined;

function sessionSigningKey(): Promise<Uint8Array> {
  key ??= getAppSecret('session').then((secret) => sessionKey(secret));
  key.catch(() => {
    key = undefined;
  });
  return key;
}

function allowedOrigins(config: Config): Set<string> {
  const listed = (config.ASSAY_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim());
  const derived = [config.ASSAY_PUBLIC_URL, config.ASSAY_DASHBOARD_URL].map((u) =>
    u ? new URL(u).origin : '',
  );
  return new Set([...listed, ...derived].filter(Boolean));
}

/** Requests-per-minute rule for a route class. */
function ruleFor(config: Config, routeClass: 'api' | 'webhook' | 'ci' | 'auth') {
  const limit = {
    api: config.ASSAY_RATE_LIMIT_API,
    webhook: config.ASSAY_RATE_LIMIT_WEBHOOK,
    ci: config.ASSAY_RATE_LIMIT_CI,
    auth: config.ASSAY_RATE_LIMIT_AUTH,
  }[routeClass];
  return { limit, windowSeconds: 60 };
}

/**
 * Who is calling, checked before the request's input is looked at: the caller
 * (401), that a cookie-authenticated state change comes from an allowed Origin
 * (403), and the rate limit of the route's class (429). Organisation access
 * comes after validation, in {@link authorize}.
 */
export async function identify(
  contract: RouteContract,
  event: APIGatewayProxyEventV2,
  headers: Readonly<Record<string, string>>,
): Promise<Guarded> {
  const clientIp = event.requestContext?.http?.sourceIp ?? null;
  const userAgent = headers['user-agent'] ?? null;
  const anonymous: Guarded = {
    actor: { type: 'system', id: null, login: null, ip: clientIp, userAgent },
    clientIp,
    userAgent,
  };
  if (contract.auth === 'public' && !contract.rateLimitClass) return anonymous;
  const config = getConfig();
  const db = await getDb();
  if (contract.auth !== 'session') {
    const routeClass = contract.auth === 'public' ? 'auth' : contract.auth;
    await consumeRateLimit(db, `${routeClass}:ip:${clientIp ?? 'unknown'}`, ruleFor(config, routeClass));
    return anonymous;
  }
  const principal = await authenticate(db, await sessionSigningKey(), { headers, cookies: event.cookies });
  const method = event.requestContext?.http?.method ?? 'GET';
  if (principal.via === 'cookie' && !SAFE_METHODS.has(method)) {
    const origin = headers.origin;
    if (!origin || !allowedOrigins(config).has(origin)) {
      throw new ForbiddenError(
        'State-changing requests with the session cookie must come from an allowed Origin',
        'origin_mismatch',
      );
    }
  }
  const who = principal.kind === 'user' ? `user:${principal.userId}` : `token:${principal.tokenId}`;
  await consumeRateLimit(db, `api:${who}`, ruleFor(config, 'api'));
  return { principal, actor: actorOf(principal, clientIp, userAgent), clientIp, userAgent };
}

/**
 * For routes on an organisation, once the path parameters are validated:
 * membership (404) and the permission table (403). Sets `guarded.access`.
 */
export async function authorize(
  contract: RouteContract,
  guarded: Guarded,
  params: Record<string, unknown>,
): Promise<void> {
  if (!contract.orgParam || !guarded.principal) return;
  const login = params[contract.orgParam];
  if (typeof login !== 'string')
    throw new Error(`${contract.route}: orgParam ${contract.orgParam} is not a path parameter`);
  guarded.access = await resolveOrgAccess(await getDb(), guarded.principal, login);
  if (contract.action) requirePermission(guarded.access, contract.action);
}

/** The counter of failed authentications of the request's client address, or none for open routes. */
function authFailureKey(contract: RouteContract, event: APIGatewayProxyEventV2): string | undefined {
  if (contract.auth === 'public' && !contract.rateLimitClass) return undefined;
  return `auth-failures:ip:${event.requestContext?.http?.sourceIp ?? 'unknown'}`;
}

const authFailureRule = (config: Config) => ({
  limit: config.ASSAY_RATE_LIMIT_AUTH_FAILURES,
  windowSeconds: 60,
});

/**
 * Runs `fn` (the whole request) under the limit on failed authentications per
 * client address (`ASSAY_RATE_LIMIT_AUTH_FAILURES` a minute): past it, every
 * request from that address is a 429 with `Retry-After` before any credential
 * is looked up; each 401 counts one failure (the one past the limit becomes
 * the 429). Routes open to anyone (health, docs) are not counted.
 */
export async function withAuthFailureLimit<T>(
  contract: RouteContract,
  event: APIGatewayProxyEventV2,
  fn: () => Promise<T>,
): Promise<T> {
  const key = authFailureKey(contract, event);
  if (key === undefined) return fn();
  const rule = authFailureRule(getConfig());
  await assertUnderRateLimit(await getDb(), key, rule);
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UnauthorizedError) await consumeRateLimit(await getDb(), key, rule);
    throw error;
  }
}
