import type { z } from 'zod';
import type { RouteAuth, RouteKey } from '../../infra/topology.types.ts';
import type { Action } from '../../shared/auth/permissions.ts';

type AnyObjectSchema = z.ZodType<Record<string, unknown>>;

/**
 * What a route accepts and returns, as zod schemas: the HTTP kit validates
 * with them and `/openapi.json` is generated from them.
 */
export interface RouteContract<
  P extends AnyObjectSchema | undefined = AnyObjectSchema | undefined,
  Q extends AnyObjectSchema | undefined = AnyObjectSchema | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  route: RouteKey;
  /** Who may call it; must equal the route's `auth` in the topology. */
  auth: RouteAuth;
  /** What the route does, in the permission table's terms (required for `session` routes). */
  action?: Action;
  /** Path parameter naming the organisation the action applies to (its login). */
  orgParam?: string;
  /** Rate-limit class of a public route (sign-in routes are limited per client address). */
  rateLimitClass?: 'auth';
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: P;
  query?: Q;
  /** JSON request body. */
  body?: B;
  /** The body is handed over unparsed (e.g. to verify a signature over the raw bytes). */
  rawBody?: { maxBytes: number; contentTypes?: readonly string[] };
  /** JSON response body on success. */
  response?: R;
  successStatus?: number;
  /** Non-JSON success content type (HTML, scripts…), documented instead of `response`. */
  produces?: string;
  /** Extra documented outcomes: status → description. */
  errors?: Readonly<Record<number, string>>;
}

/** Declares a route contract with its types preserved. */
export function defineRoute<
  P extends AnyObjectSchema | undefined = undefined,
  Q extends AnyObjectSchema | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(contract: RouteContract<P, Q, B, R>): RouteContract<P, Q, B, R> {
  return contract;
}
