/**
 * Where the full validation of a pull request's commit is read in this API
 * (`GET …/pulls/{n}/validation?sha=`): the check run's details link and the
 * link of validation notifications. `publicUrl` is the API's base URL; an
 * empty one gives the path alone.
 */
export function validationViewUrl(
  publicUrl: string,
  repository: string,
  pullNumber: number,
  headSha: string,
): string {
  return `${publicUrl}/api/v1/repos/${repository}/pulls/${pullNumber}/validation?sha=${headSha}`;
}
