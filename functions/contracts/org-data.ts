import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';

const orgParams = z.object({ org: text().min(1).max(100) });

export const orgExportSchema = z
  .object({
    id: uuid(),
    status: z.enum(['queued', 'running', 'ready', 'failed', 'expired']),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().optional(),
    finishedAt: z.iso.datetime().optional(),
    bytes: z.number().int().optional(),
    expiresAt: z.iso.datetime().optional(),
    downloadUrl: z.string().optional(),
    downloadUrlExpiresAt: z.iso.datetime().optional(),
    counts: z.record(z.string(), z.number().int()).optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'OrgExport' });

const exportFormat =
  'One ZIP: `tables/{table}.jsonl` (one JSON object per row, every tenant table, plus `tables/users.jsonl` for the members), the organisation’s stored objects under `objects/{key}`, and `manifest.json` (`formatVersion`, counts, each table’s columns, and the size and SHA-256 of every file). Never included: token and invitation hashes, sessions, webhook payloads and secrets.';

export const postOrgExport = defineRoute({
  route: 'POST /api/v1/orgs/{org}/exports',
  auth: 'session',
  action: 'org:export',
  orgParam: 'org',
  summary: 'Export all of the organisation’s data',
  description: `Queues an export (owner only; audited). ${exportFormat} Poll \`GET …/exports/{id}\` until \`ready\`.`,
  tags: ['organisation data'],
  params: orgParams,
  response: z.object({ export: orgExportSchema }),
  successStatus: 202,
});

export const getOrgExports = defineRoute({
  route: 'GET /api/v1/orgs/{org}/exports',
  auth: 'session',
  action: 'org:exports-read',
  orgParam: 'org',
  summary: 'The organisation’s exports',
  description:
    'Newest first, cursor-paginated. A `ready` export carries a `downloadUrl` (presigned GET, valid 15 minutes, issued anew on each read) until it expires 7 days after it was made (`expired`).',
  tags: ['organisation data'],
  params: orgParams,
  query: z.object({
    cursor: text().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  response: z.object({ exports: z.array(orgExportSchema), nextCursor: z.string().nullable() }),
});

export const getOrgExport = defineRoute({
  route: 'GET /api/v1/orgs/{org}/exports/{id}',
  auth: 'session',
  action: 'org:exports-read',
  orgParam: 'org',
  summary: 'One export',
  description: `With a fresh \`downloadUrl\` (15 minutes) while it is \`ready\`. ${exportFormat}`,
  tags: ['organisation data'],
  params: orgParams.extend({ id: uuid() }),
  response: orgExportSchema,
});

export const deleteOrg = defineRoute({
  route: 'DELETE /api/v1/orgs/{org}',
  auth: 'session',
  action: 'org:delete',
  orgParam: 'org',
  summary: 'Delete the organisation and all its data',
  description:
    'Owner only; `confirm` must be the organisation’s login. The organisation is gone at once (404 for everyone, its API and upload tokens refused, its webhooks ignored); every row and stored object of it is then removed in the background, its audit log included, and a tombstone (id, login, who asked, when, counts removed) is kept. Installing the App again creates a new organisation.',
  tags: ['organisation data'],
  params: orgParams,
  body: z.strictObject({ confirm: text().min(1).max(100) }),
  response: z.object({
    deletion: z.object({
      id: uuid(),
      status: z.enum(['queued', 'running', 'completed']),
      login: z.string(),
      requestedAt: z.iso.datetime(),
    }),
  }),
  successStatus: 202,
  errors: { 400: '`confirm` is not the organisation’s login' },
});
