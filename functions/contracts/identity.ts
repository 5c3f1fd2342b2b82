import { z } from 'zod';
import { roleSchema } from '../../shared/auth/roles.ts';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { timestamp } from './params.ts';

const orgParams = z.object({ org: text().min(1).max(100) });
const loginParam = text().regex(/^[A-Za-z0-9-]{1,39}$/, 'a GitHub login');
const cursorQuery = {
  cursor: text().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

export const userSchema = z
  .object({ id: uuid(), login: text(), name: text().nullable(), avatarUrl: text().nullable() })
  .meta({ id: 'User' });

export const orgSummarySchema = z
  .object({
    id: uuid(),
    login: text(),
    accountType: z.enum(['Organization', 'User']),
    role: roleSchema,
  })
  .meta({ id: 'OrgSummary' });

// ---- Sign-in (public, rate-limited per client address) ----

export const getAuthGithub = defineRoute({
  route: 'GET /auth/github',
  auth: 'public',
  rateLimitClass: 'auth',
  summary: 'Start signing in with GitHub',
  description: 'Redirects to GitHub with a `state` also kept in a signed, short-lived, HttpOnly cookie.',
  tags: ['auth'],
  query: z.object({
    returnTo: text()
      .max(500)
      .regex(/^\/(?!\/)/, 'a path on this site')
      .optional(),
  }),
  produces: 'text/plain',
  successStatus: 302,
});

export const getAuthCallback = defineRoute({
  route: 'GET /auth/callback',
  auth: 'public',
  rateLimitClass: 'auth',
  summary: 'GitHub OAuth callback',
  description:
    'Checks `state` against the cookie (400 otherwise), exchanges the code, upserts the user, syncs memberships from the installations the user can see, and sets the session cookies.',
  tags: ['auth'],
  query: z.object({ code: text().min(1).max(200), state: text().min(1).max(2000) }),
  produces: 'text/plain',
  successStatus: 302,
});

export const postAuthRefresh = defineRoute({
  route: 'POST /auth/refresh',
  auth: 'public',
  rateLimitClass: 'auth',
  summary: 'Renew the session',
  description:
    'Uses the refresh cookie once (it rotates) and sets a new session cookie. A reused refresh token revokes the session.',
  tags: ['auth'],
  response: z.object({ expiresAt: z.iso.datetime() }),
});

export const postAuthLogout = defineRoute({
  route: 'POST /auth/logout',
  auth: 'session',
  action: 'session:logout',
  summary: 'Sign out',
  description: 'Revokes the session (its tokens stop working at once) and clears the cookies.',
  tags: ['auth'],
  successStatus: 204,
});

// ---- Me and organisations ----

export const getMe = defineRoute({
  route: 'GET /api/v1/me',
  auth: 'session',
  action: 'me:read',
  summary: 'The caller',
  tags: ['identity'],
  response: z.object({
    user: userSchema.nullable(),
    token: z.object({ id: uuid(), org: text(), role: roleSchema }).nullable(),
    orgs: z.array(orgSummarySchema),
  }),
});

export const getOrgs = defineRoute({
  route: 'GET /api/v1/orgs',
  auth: 'session',
  action: 'orgs:list',
  summary: 'Organisations the caller belongs to',
  tags: ['identity'],
  response: z.object({ orgs: z.array(orgSummarySchema) }),
});

// ---- Members ----

export const memberSchema = z
  .object({
    user: userSchema,
    role: roleSchema,
    source: z.enum(['github', 'invitation', 'cli']),
    since: z.iso.datetime(),
  })
  .meta({ id: 'Member' });

export const getMembers = defineRoute({
  route: 'GET /api/v1/orgs/{org}/members',
  auth: 'session',
  action: 'members:read',
  orgParam: 'org',
  summary: 'Members of an organisation',
  tags: ['members'],
  params: orgParams,
  query: z.object(cursorQuery),
  response: z.object({ members: z.array(memberSchema), nextCursor: text().nullable() }),
});

export const patchMember = defineRoute({
  route: 'PATCH /api/v1/orgs/{org}/members/{login}',
  auth: 'session',
  action: 'members:update',
  orgParam: 'org',
  summary: "Change a member's role",
  description: 'Only an owner may grant or take away the owner role; the last owner cannot be demoted.',
  tags: ['members'],
  params: orgParams.extend({ login: loginParam }),
  body: z.object({ role: roleSchema }),
  response: memberSchema,
});

export const deleteMember = defineRoute({
  route: 'DELETE /api/v1/orgs/{org}/members/{login}',
  auth: 'session',
  action: 'members:remove',
  orgParam: 'org',
  summary: 'Remove a member',
  description: 'The last owner cannot be removed; only an owner may remove an owner.',
  tags: ['members'],
  params: orgParams.extend({ login: loginParam }),
  successStatus: 204,
});

// ---- Invitations ----

export const invitationSchema = z
  .object({
    id: uuid(),
    role: roleSchema.exclude(['owner']),
    login: text().nullable(),
    expiresAt: z.iso.datetime(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Invitation' });

export const getInvitations = defineRoute({
  route: 'GET /api/v1/orgs/{org}/invitations',
  auth: 'session',
  action: 'invitations:read',
  orgParam: 'org',
  summary: 'Invitations of an organisation',
  tags: ['invitations'],
  params: orgParams,
  query: z.object(cursorQuery),
  response: z.object({ invitations: z.array(invitationSchema), nextCursor: text().nullable() }),
});

export const postInvitation = defineRoute({
  route: 'POST /api/v1/orgs/{org}/invitations',
  auth: 'session',
  action: 'invitations:create',
  orgParam: 'org',
  summary: 'Invite someone',
  description: 'Returns the invitation token once. Single-use, expiring; optionally bound to a GitHub login.',
  tags: ['invitations'],
  params: orgParams,
  body: z.object({
    role: roleSchema.exclude(['owner']),
    login: loginParam.optional(),
    expiresInDays: z.number().int().min(1).max(30).default(7),
  }),
  response: invitationSchema.extend({ token: text() }),
  successStatus: 201,
});

export const deleteInvitation = defineRoute({
  route: 'DELETE /api/v1/orgs/{org}/invitations/{id}',
  auth: 'session',
  action: 'invitations:revoke',
  orgParam: 'org',
  summary: 'Revoke an invitation',
  tags: ['invitations'],
  params: orgParams.extend({ id: uuid() }),
  successStatus: 204,
});

export const postInvitationAccept = defineRoute({
  route: 'POST /api/v1/invitations/accept',
  auth: 'session',
  action: 'invitations:accept',
  summary: 'Accept an invitation',
  description:
    'The signed-in user joins the organisation with the invited role. 404 for an unknown, used, revoked or expired token.',
  tags: ['invitations'],
  body: z.object({ token: text().min(10).max(200) }),
  response: orgSummarySchema,
});

// ---- API tokens ----

export const apiTokenSchema = z
  .object({
    id: uuid(),
    name: text(),
    role: roleSchema,
    prefix: text(),
    expiresAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ApiToken' });

export const getApiTokens = defineRoute({
  route: 'GET /api/v1/orgs/{org}/api-tokens',
  auth: 'session',
  action: 'api-tokens:read',
  orgParam: 'org',
  summary: 'API tokens of an organisation',
  tags: ['api-tokens'],
  params: orgParams,
  query: z.object(cursorQuery),
  response: z.object({ tokens: z.array(apiTokenSchema), nextCursor: text().nullable() }),
});

export const postApiToken = defineRoute({
  route: 'POST /api/v1/orgs/{org}/api-tokens',
  auth: 'session',
  action: 'api-tokens:create',
  orgParam: 'org',
  summary: 'Create an API token',
  description: 'The token is shown once and stored hashed. Its role cannot exceed the creator’s.',
  tags: ['api-tokens'],
  params: orgParams,
  body: z.object({
    name: text().min(1).max(100),
    role: roleSchema,
    expiresInDays: z.number().int().min(1).max(366).default(90),
  }),
  response: apiTokenSchema.extend({ token: text() }),
  successStatus: 201,
});

export const deleteApiToken = defineRoute({
  route: 'DELETE /api/v1/orgs/{org}/api-tokens/{id}',
  auth: 'session',
  action: 'api-tokens:revoke',
  orgParam: 'org',
  summary: 'Revoke an API token',
  tags: ['api-tokens'],
  params: orgParams.extend({ id: uuid() }),
  successStatus: 204,
});

// ---- Audit log ----

export const auditEventSchema = z
  .object({
    id: text(),
    at: z.iso.datetime(),
    actor: z.object({ type: text(), id: text().nullable(), login: text().nullable() }),
    action: text(),
    target: z.object({ type: text().nullable(), id: text().nullable() }),
    ip: text().nullable(),
    userAgent: text().nullable(),
    details: z.record(text(), z.unknown()),
    hash: text(),
  })
  .meta({ id: 'AuditEvent' });

export const getAuditEvents = defineRoute({
  route: 'GET /api/v1/orgs/{org}/audit-events',
  auth: 'session',
  action: 'audit:read',
  orgParam: 'org',
  summary: 'Audit log',
  description: 'Newest first; filter by action, actor login, target, and time; cursor-paginated.',
  tags: ['audit'],
  params: orgParams,
  query: z.object({
    ...cursorQuery,
    action: text().max(100).optional(),
    actor: text().max(100).optional(),
    targetType: text().max(100).optional(),
    targetId: text().max(200).optional(),
    since: timestamp().optional(),
    until: timestamp().optional(),
  }),
  response: z.object({ events: z.array(auditEventSchema), nextCursor: text().nullable() }),
});

export const getAuditVerify = defineRoute({
  route: 'GET /api/v1/orgs/{org}/audit-events/verify',
  auth: 'session',
  action: 'audit:verify',
  orgParam: 'org',
  summary: 'Verify the audit chain',
  description: 'Walks the hash chain and reports the first broken link, if any.',
  tags: ['audit'],
  params: orgParams,
  response: z.object({
    valid: z.boolean(),
    checked: z.number().int(),
    brokenAt: z
      .object({ id: text(), reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'head_mismatch']) })
      .nullable(),
  }),
});
