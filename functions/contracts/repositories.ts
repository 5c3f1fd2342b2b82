import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { repoParams } from './params.ts';

export const repositorySettingsSchema = z
  .object({
    testWorkflows: z
      .array(text().trim().min(1).max(255))
      .max(50)
      .describe(
        'Names (`Tests`) or paths (`.github/workflows/test.yml`) of the workflows that upload test reports. ' +
          'Empty: every workflow run of a commit must complete before Assay says no report came.',
      ),
  })
  .meta({ id: 'RepositorySettings' });

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
  body: repositorySettingsSchema,
  response: repositorySettingsSchema,
});
