/**
 * Links into the Assay console. A console page lives at the API path of its
 * resource without `/api/v1` (`/api/v1/repos/acme/shop/pulls/7` is shown at
 * `/repos/acme/shop/pulls/7`); every link Assay writes into GitHub (check
 * runs' `details_url`, the manifest's full view, approval comments,
 * notifications) is built here, under `ASSAY_PUBLIC_URL`.
 *
 * `publicUrl` is the public origin (`https://assay.example.com`, no trailing
 * slash needed); an empty or missing one gives the path alone.
 *
 * @module
 */

function base(publicUrl: string | undefined): string {
  return (publicUrl ?? '').replace(/\/+$/, '');
}

const segment = (value: string | number) => encodeURIComponent(String(value));

/** `{publicUrl}/repos/{owner}/{repo}`, from a `owner/repo` full name (each part encoded). */
function repoPath(fullName: string): string {
  return `/repos/${fullName.split('/').map(segment).join('/')}`;
}

/**
 * A pull request's page: `{publicUrl}/repos/{owner}/{repo}/pulls/{n}`, with
 * `?sha={headSha}` to show one commit's validation (the check run's details link).
 */
export function pullPageUrl(
  publicUrl: string | undefined,
  repository: string,
  pullNumber: number,
  headSha?: string,
): string {
  const sha = headSha ? `?sha=${segment(headSha)}` : '';
  return `${base(publicUrl)}${repoPath(repository)}/pulls/${pullNumber}${sha}`;
}

/** An issue's page (its checklist): `{publicUrl}/repos/{owner}/{repo}/issues/{n}`. */
export function issuePageUrl(publicUrl: string | undefined, repository: string, issueNumber: number): string {
  return `${base(publicUrl)}${repoPath(repository)}/issues/${issueNumber}`;
}

/** An agent run's page: `{publicUrl}/orgs/{org}/agent-runs/{id}`. */
export function agentRunPageUrl(publicUrl: string | undefined, orgLogin: string, runId: string): string {
  return `${base(publicUrl)}/orgs/${segment(orgLogin)}/agent-runs/${segment(runId)}`;
}

/** A repository's page: `{publicUrl}/repos/{owner}/{repo}`. */
export function repoPageUrl(publicUrl: string | undefined, repository: string): string {
  return `${base(publicUrl)}${repoPath(repository)}`;
}
