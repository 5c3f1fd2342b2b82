import { atLeast, type Role } from './roles.ts';

/**
 * THE permission table: every action a route can declare, and the weakest role
 * allowed to do it. Nothing else decides access.
 */
export const permissions = {
  // Not about one organisation: any signed-in principal.
  'me:read': 'viewer',
  'orgs:list': 'viewer',
  'session:logout': 'viewer',
  'invitations:accept': 'viewer',
  // On an organisation (its login is in the path).
  'org:read': 'viewer',
  'members:read': 'viewer',
  'members:update': 'admin',
  'members:remove': 'admin',
  'invitations:read': 'admin',
  'invitations:create': 'admin',
  'invitations:revoke': 'admin',
  'api-tokens:read': 'admin',
  'api-tokens:create': 'admin',
  'api-tokens:revoke': 'admin',
  'audit:read': 'admin',
  'audit:verify': 'owner',
  'org:export': 'owner',
  'org:exports-read': 'owner',
  'org:delete': 'owner',
  'repos:read': 'viewer',
  'repos:settings': 'admin',
  'issues:read': 'viewer',
  'issues:regenerate': 'member',
  'pulls:read': 'viewer',
  'pulls:revalidate': 'member',
  'pulls:flag-for-merge': 'member',
  'pulls:override-merge': 'admin',
  // Trusting a fork's head commit lets its pulled reports prove criteria: people who may push (members).
  'pulls:trust': 'member',
  'code-health:read': 'viewer',
  'upload-tokens:create': 'admin',
  'upload-tokens:revoke': 'admin',
  'ci-runs:read': 'viewer',
  'tests:read': 'viewer',
  'metrics:read': 'viewer',
  'webhook-deliveries:read': 'admin',
  'webhook-deliveries:redeliver': 'admin',
  'crawls:read': 'viewer',
  'crawls:create': 'member',
  'crawls:cancel': 'member',
  'documents:read': 'viewer',
  'documents:search': 'viewer',
  'documents:upload': 'member',
  'documents:delete': 'admin',
  'agent-runs:read': 'viewer',
  'agent-runs:create': 'member',
  'agent-runs:cancel': 'member',
  'agent-runs:decide': 'member',
  'agent-runs:edit': 'member',
  'agent-runs:promote': 'member',
  'usage:read': 'viewer',
  // Per user (the caller's own inbox and follows): every member, viewers included.
  'notifications:read': 'viewer',
  'notifications:mark-read': 'viewer',
  'repos:follow': 'viewer',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof permissions;

/** True when `role` may perform `action`. */
export function can(role: Role, action: Action): boolean {
  return atLeast(role, permissions[action]);
}

/** Every action, for tests and documentation. */
export const actions = Object.keys(permissions) as Action[];
