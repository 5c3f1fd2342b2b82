import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { utcDay } from './analytics.ts';
import { repoParams } from './params.ts';

const testWorkflows = z
  .array(text().trim().min(1).max(255))
  .max(50)
  .describe(
    'Names (`Tests`) or paths (`.github/workflows/test.yml`) of the workflows that upload test reports. ' +
      'Empty: every workflow run of a commit must complete before Assay says no report came.',
  );
export const gateSchema = z
  .enum(['all', 'regressions'])
  .describe(
    '`all` (default): every failed or errored test blocks the check, tagged with a TID or not. ' +
      '`regressions`: a failing test blocks only when it passed on the base — the base branch’s latest ' +
      'commit with test results at or before the merge base; tests already failing there are known failures.',
  );
const quarantineFlaky = z
  .boolean()
  .describe(
    'Tests flagged flaky (within `ASSAY_FLAKY_WINDOW_DAYS`, or on the head commit) do not block; they are listed.',
  );

export const quarantineEntrySchema = z
  .object({
    name: text().trim().min(1).max(1_000).describe('The test’s name as its reports give it'),
    classname: text().max(1_000).optional().describe('Its classname; absent: any'),
    file: text().max(1_000).optional().describe('Its file (repository path); absent: any'),
    owner: text().trim().min(1).max(100).describe('Who answers for it: a GitHub login or team'),
    reason: text().trim().min(1).max(1_000),
    expires: utcDay.describe('Last UTC day it holds; from the next day the test is back in the gate'),
  })
  .strict()
  .meta({ id: 'QuarantineEntry' });
const quarantine = z
  .array(quarantineEntrySchema)
  .max(500)
  .describe(
    'Per-test quarantine: a failing test an entry names (until its `expires` day) never blocks the check; ' +
      'it is listed with its owner and reason. Replaced whole when given.',
  );

const failureComment = z
  .boolean()
  .describe(
    'Keep one comment on each pull request summarising its failed tests (new since the base, known, flaky), ' +
      'edited in place, linking to the console. Default true.',
  );
export const forkTrustSchema = z
  .enum(['trusted_sha', 'known_contributors'])
  .describe(
    'Reports pulled from a fork’s workflow artifacts: `trusted_sha` (default) — their passes prove criteria ' +
      'only once a person with write access trusts the head SHA (`/assay trust` or the console); failures always ' +
      'count. `known_contributors` — also trusted at once when the pull request’s author has contributed before ' +
      '(GitHub author association OWNER, MEMBER, COLLABORATOR or CONTRIBUTOR).',
  );

export const repositorySettingsSchema = z
  .object({
    testWorkflows,
    gate: gateSchema,
    quarantineFlaky,
    quarantine,
    failureComment,
    forkTrust: forkTrustSchema,
  })
  .meta({ id: 'RepositorySettings' });

const putSettingsBody = z
  .object({
    testWorkflows,
    gate: gateSchema.optional(),
    quarantineFlaky: quarantineFlaky.optional(),
    quarantine: quarantine.optional(),
    failureComment: failureComment.optional(),
    forkTrust: forkTrustSchema.optional(),
  })
  .meta({ id: 'RepositorySettingsReplacement' });

const patchSettingsBody = z
  .object({
    testWorkflows: testWorkflows.optional(),
    gate: gateSchema.optional(),
    quarantineFlaky: quarantineFlaky.optional(),
    quarantine: quarantine.optional(),
    failureComment: failureComment.optional(),
    forkTrust: forkTrustSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one setting to change' })
  .meta({ id: 'RepositorySettingsChange' });

export const getRepoSettings = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/settings',
  auth: 'session',
  action: 'repos:read',
  orgParam: 'owner',
  summary: "A repository's settings",
  tags: ['repositories'],
  params: repoParams,
  response: repositorySettingsSchema,
});

export const putRepoSettings = defineRoute({
  route: 'PUT /api/v1/repos/{owner}/{repo}/settings',
  auth: 'session',
  action: 'repos:settings',
  orgParam: 'owner',
  summary: "Replace a repository's settings",
  description:
    'Names the workflows whose runs decide that no test report came (the `Assay` check then concludes ' +
    'action required). Audited (`repository.settings_updated`). Idempotent.',
  tags: ['repositories'],
  params: repoParams,
  body: putSettingsBody,
  response: repositorySettingsSchema,
});

export const patchRepoSettings = defineRoute({
  route: 'PATCH /api/v1/repos/{owner}/{repo}/settings',
  auth: 'session',
  action: 'repos:settings',
  orgParam: 'owner',
  summary: "Change some of a repository's settings",
  description:
    'Sets the gate of the `Assay` check (`gate`: `all` | `regressions`, `quarantineFlaky`) and/or the test ' +
    'workflows; absent fields stay as they are. Admins. Audited (`repository.settings_updated`, with the ' +
    'previous values). Idempotent. Read back with `GET /api/v1/repos/{owner}/{repo}` or `…/settings`.',
  tags: ['repositories'],
  params: repoParams,
  body: patchSettingsBody,
  response: repositorySettingsSchema,
});
