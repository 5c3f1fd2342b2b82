import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';

/** `{owner}/{repo}` path parameters, as GitHub spells them. */
export const repoParams = z.object({
  owner: text().regex(/^[A-Za-z0-9-]{1,39}$/, 'a GitHub account'),
  repo: text().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name'),
});

/** `{owner}/{repo}` plus an issue or pull request `{number}`. */
export const repoNumberParams = repoParams.extend({
  number: z.coerce.number().int().positive().max(2_147_483_647),
});
