import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { repoParams } from './params.ts';

// The organisation is named by its login, exactly as in the other organisation routes.
const orgParams = z.object({ org: text().min(1).max(100) });
const userOnly =
  'Per user: the signed-in user, or the user an API token belongs to (a token of no user gets 403 `user_required`).';

export const notificationSchema = z
  .object({
    id: uuid(),
    kind: text().meta({ example: 'validation_failed' }),
    title: text().meta({ example: 'Validation failed: acme/shop#12' }),
    body: text(),
    link: text().nullable(),
    subject: z.record(text(), z.unknown()),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });

export const getNotifications = defineRoute({
  route: 'GET /api/v1/orgs/{org}/notifications',
  auth: 'session',
  action: 'notifications:read',
  orgParam: 'org',
  summary: "The caller's notifications in an organisation",
  description: `Newest first, cursor-paginated; \`unread=true\` keeps the unread ones. \`unread\` in the response counts all unread. ${userOnly}`,
  tags: ['notifications'],
  params: orgParams,
  query: z.object({
    unread: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({
    notifications: z.array(notificationSchema),
    nextCursor: text().nullable(),
    unread: z.number().int(),
  }),
});

export const postNotificationRead = defineRoute({
  route: 'POST /api/v1/orgs/{org}/notifications/{id}/read',
  auth: 'session',
  action: 'notifications:mark-read',
  orgParam: 'org',
  summary: 'Mark a notification read',
  description: `Returns the notification; reading it again keeps the first \`readAt\`. Another user's or an unknown id → 404. ${userOnly}`,
  tags: ['notifications'],
  params: orgParams.extend({ id: uuid() }),
  response: notificationSchema,
});

export const postNotificationsReadAll = defineRoute({
  route: 'POST /api/v1/orgs/{org}/notifications/read-all',
  auth: 'session',
  action: 'notifications:mark-read',
  orgParam: 'org',
  summary: "Mark all the caller's notifications read",
  description: `Returns how many were unread. ${userOnly}`,
  tags: ['notifications'],
  params: orgParams,
  response: z.object({ marked: z.number().int() }),
});

export const putRepoFollow = defineRoute({
  route: 'PUT /api/v1/repos/{owner}/{repo}/follow',
  auth: 'session',
  action: 'repos:follow',
  orgParam: 'owner',
  summary: 'Follow a repository',
  description: `The caller receives the repository's notifications (validation failed / passed). Idempotent. ${userOnly}`,
  tags: ['notifications'],
  params: repoParams,
  response: z.object({ following: z.boolean() }),
});

export const deleteRepoFollow = defineRoute({
  route: 'DELETE /api/v1/repos/{owner}/{repo}/follow',
  auth: 'session',
  action: 'repos:follow',
  orgParam: 'owner',
  summary: 'Stop following a repository',
  description: `Idempotent. ${userOnly}`,
  tags: ['notifications'],
  params: repoParams,
  response: z.object({ following: z.boolean() }),
});
