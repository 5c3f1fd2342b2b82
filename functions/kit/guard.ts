import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { type Actor, actorOf } from '../../shared/audit/audit.ts';
import { type OrgAccess, requirePermission, resolveOrgAccess } from '../../shared/auth/org-access.ts';
import { authenticate, type Principal } from '../../shared/auth/principal.ts';
import { consumeRateLimit } from '../../shared/auth/rate-limit.ts';
import { sessionKey } from '../../shared/auth/session-jwt.ts';
import { type Config, getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { ForbiddenError } from '../../shared/errors.ts';
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
 * Everything the kit checks before a route runs: who is calling (401), that a
 * cookie-authenticated state change comes from an allowed Origin (403), the
 * rate limit of the route's class (429), and — for routes on an organisation —
 * membership (404) and the permission table (403).
 */
export async function guard(
  contract: RouteContract,
  event: APIGatewayProxyEventV2,
  headers: Readonly<Record<string, string>>,
  params: Record<string, unknown>,
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
  const guarded: Guarded = { principal, actor: actorOf(principal, clientIp, userAgent), clientIp, userAgent };
  if (contract.orgParam) {
    const login = params[contract.orgParam];
    if (typeof login !== 'string')
      throw new Error(`${contract.route}: orgParam ${contract.orgParam} is not a path parameter`);
    guarded.access = await resolveOrgAccess(db, principal, login);
    if (contract.action) requirePermission(guarded.access, contract.action);
  }
  return guarded;
}
