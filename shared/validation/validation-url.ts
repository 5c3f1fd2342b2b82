import { pullPageUrl } from '../console/links.ts';

/**
 * Where the full validation of a pull request's commit is shown: the
 * console's pull request page for that commit
 * (`{publicUrl}/repos/{owner}/{repo}/pulls/{n}?sha={headSha}`), the check
 * run's details link and the link of validation notifications. `publicUrl` is
 * Assay's public origin; an empty one gives the path alone.
 */
export function validationViewUrl(
  publicUrl: string,
  repository: string,
  pullNumber: number,
  headSha: string,
): string {
  return pullPageUrl(publicUrl, repository, pullNumber, headSha);
}
