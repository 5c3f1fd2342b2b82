import { z } from 'zod';
import {
  commitShaSchema,
  gitRefSchema,
  runIdSchema,
  uploadKindSchema,
} from '../../shared/ci/upload-kinds.ts';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { repoNumberParams, repoParams } from './params.ts';

// ---- CI uploads (authenticated by the service: OIDC token or upload token) ----

export const postCiUploads = defineRoute({
  route: 'POST /ci/uploads',
  auth: 'ci',
  summary: 'Get a presigned URL to upload a CI report',
  description:
    'CI authenticates with `Authorization: Bearer` and either a GitHub Actions OIDC token (audience `assay`; its `repository`, `sha`, `run_id` and `run_attempt` claims decide the scope and win over the body) or a repository upload token (`assay_upl_…`; the token decides the repository, `sha` is required; send `ref` too so code-health scores know their branch). A run on a pull request’s merge ref (`refs/pull/{n}/merge`, what `pull_request` workflows build) is tied to that pull request’s head commit. Returns a URL valid for 15 minutes under `orgs/{org}/repos/{repo}/runs/{run}/{kind}/…`: PUT the file to it with the returned headers (`content-type` and `if-none-match: *`, both signed: the upload is write-once, so a second PUT to the URL gets 412). Unknown fields are refused, so a body cannot name another repository.',
  tags: ['ci'],
  body: z.strictObject({
    kind: uploadKindSchema,
    sha: commitShaSchema.optional(),
    runId: runIdSchema.optional(),
    ref: gitRefSchema.optional(),
  }),
  response: z
    .object({
      url: text(),
      method: z.literal('PUT'),
      headers: z.record(text(), text()),
      expiresAt: z.iso.datetime(),
      runId: text(),
      key: text(),
      pullNumber: z.number().int().nullable(),
    })
    .meta({ id: 'CiUpload' }),
  successStatus: 201,
  errors: {
    401: 'No credential, or an invalid, expired or revoked one (wrong issuer, audience, signature…)',
    403: 'The repository is not installed',
    409: 'The run id was already used for another commit',
  },
});

// ---- Upload tokens (session) ----

export const uploadTokenSchema = z
  .object({
    id: uuid(),
    name: text(),
    repository: text(),
    prefix: text(),
    expiresAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'UploadToken' });

export const postUploadToken = defineRoute({
  route: 'POST /api/v1/repos/{owner}/{repo}/upload-tokens',
  auth: 'session',
  action: 'upload-tokens:create',
  orgParam: 'owner',
  summary: 'Create a repository upload token',
  description:
    'For CI that cannot use OIDC. The token is shown once and stored hashed; it can only get upload URLs for this repository.',
  tags: ['ci'],
  params: repoParams,
  body: z.object({
    name: text().min(1).max(100),
    expiresInDays: z.number().int().min(1).max(366).default(90),
  }),
  response: uploadTokenSchema.extend({ token: text() }),
  successStatus: 201,
});

export const deleteUploadToken = defineRoute({
  route: 'DELETE /api/v1/repos/{owner}/{repo}/upload-tokens/{id}',
  auth: 'session',
  action: 'upload-tokens:revoke',
  orgParam: 'owner',
  summary: 'Revoke a repository upload token',
  tags: ['ci'],
  params: repoParams.extend({ id: uuid() }),
  successStatus: 204,
});

// ---- Fork trust (session): the console's "Trust this commit" ----

export const postPullTrust = defineRoute({
  route: 'POST /api/v1/repos/{owner}/{repo}/pulls/{number}/trust',
  auth: 'session',
  action: 'pulls:trust',
  orgParam: 'owner',
  summary: 'Trust the head commit of a pull request from a fork',
  description:
    'What `/assay trust` does on the pull request: the reports Assay pulled from the fork’s `assay-*` artifacts ' +
    'for the pull request’s current head SHA may now prove criteria (until then their failures count and their ' +
    'passes prove nothing). `headSha`, when given, must be that head (409 `head_moved` otherwise), so a push after ' +
    'the page was read is not trusted blindly. Audited (`fork_sha.trusted`); idempotent (`trusted: false` when it ' +
    'already was). The head SHA is revalidated.',
  tags: ['ci'],
  params: repoNumberParams,
  body: z.strictObject({ headSha: commitShaSchema.optional() }).default({}),
  response: z
    .object({
      headSha: text(),
      trusted: z.boolean().describe('True when this request trusted it; false when it already was'),
      trustedBy: text(),
      via: z.enum(['command', 'console']),
      trustedAt: z.iso.datetime(),
    })
    .meta({ id: 'TrustedSha' }),
  errors: { 404: 'No such pull request', 409: 'The pull request’s head moved (`head_moved`)' },
});
