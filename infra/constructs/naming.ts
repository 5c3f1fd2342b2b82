import type { RouteKey } from '../topology.types.ts';

/** HTTP methods a topology route key may start with. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route key split into its method and path. */
export interface ParsedRoute {
  readonly method: RouteMethod;
  readonly path: string;
}

/** Splits `GET /docs/{asset}` into method and path; throws on anything else. */
export function parseRouteKey(key: RouteKey | string): ParsedRoute {
  const match = /^(GET|POST|PUT|PATCH|DELETE) (\/[A-Za-z0-9._~{}+/-]*)$/.exec(key);
  if (!match?.[1] || !match[2]) throw new Error(`Route key "${key}" is not "METHOD /path"`);
  return { method: match[1] as RouteMethod, path: match[2] };
}

/** `get-docs-asset`, `report_intake`, `/docs/{asset}` → `GetDocsAsset`, `ReportIntake`, `DocsAsset`. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A construct id for a handler module: `functions/api/get-health.ts` → `GetHealth`. */
export function handlerId(handlerPath: string): string {
  const file = handlerPath.split('/').pop() ?? handlerPath;
  return pascalCase(file.replace(/\.[cm]?[jt]s$/, ''));
}

/** The nested stacks the routes are spread over (see {@link routeGroup}). */
export const ROUTE_GROUPS = ['Edge', 'Orgs', 'Repos'] as const;
export type RouteGroup = (typeof ROUTE_GROUPS)[number];

/**
 * The nested stack a route's function, integration, permission and route live
 * in, so the parent stays under CloudFormation's 500 resources per stack:
 * `/api/v1/repos/…` → `Repos`, the rest of `/api/v1/…` → `Orgs`, everything
 * else (health, docs, OpenAPI, webhooks, sign-in, CI uploads) → `Edge`. The
 * group depends only on the path, so adding a route never moves another one
 * (a move would replace the function on the next deploy).
 */
export function routeGroup(key: RouteKey | string): RouteGroup {
  const { path } = parseRouteKey(key);
  if (path.startsWith('/api/v1/repos/')) return 'Repos';
  if (path.startsWith('/api/v1/')) return 'Orgs';
  return 'Edge';
}
