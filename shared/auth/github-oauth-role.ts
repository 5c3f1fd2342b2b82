import type { Role } from './roles.ts';

/** The roles a GitHub relationship can grant by itself; `admin` and `viewer` are only ever given in Assay. */
export type GitHubDerivedRole = Extract<Role, 'owner' | 'member'>;

/** A GitHub organisation role as `GET /user/memberships/orgs/{org}` reports it (active memberships only). */
export type GitHubOrgRole = 'admin' | 'member';

/** The account an installation is on, as `GET /user/installations` lists it. */
export interface InstallationAccountRef {
  /** GitHub's numeric account id; compared when both sides have one (logins can be renamed). */
  id?: number;
  login: string;
  type: 'User' | 'Organization';
}

/** The signed-in GitHub user. */
export interface GitHubUserRef {
  id?: number;
  login: string;
}

function sameAccount(account: InstallationAccountRef, user: GitHubUserRef): boolean {
  if (account.id !== undefined && user.id !== undefined) return account.id === user.id;
  // GitHub logins are case-insensitive.
  return account.login.toLowerCase() === user.login.toLowerCase();
}

/**
 * The Assay role a GitHub user gets in the organisation made from an
 * installation, from what GitHub says about them. The rule:
 *
 * | installation account | relationship                                   | Assay role  |
 * | -------------------- | ---------------------------------------------- | ----------- |
 * | personal (`User`)    | the account is the user (same id, else login)  | `owner`     |
 * | personal (`User`)    | anyone else                                    | none        |
 * | `Organization`       | active org **admin**                           | `owner`     |
 * | `Organization`       | active org **member**                          | `member`    |
 * | `Organization`       | no active membership (pending, outside collaborator, billing manager) | none |
 *
 * `undefined` means "no membership": the user must not get access to that
 * organisation from GitHub (an Assay invitation can still grant one). `orgRole`
 * is ignored for personal accounts. Assay's `admin` and `viewer` are never
 * derived from GitHub; they are assigned in Assay.
 *
 * @param installationAccount The installation's account (`{ id?, login, type }`).
 * @param user The signed-in user (`{ id?, login }`).
 * @param orgRole The user's active role in that organisation, from
 *   `fetchOrgMembershipRole`; `undefined` when not a member.
 */
export function roleFromGitHub(
  installationAccount: InstallationAccountRef,
  user: GitHubUserRef,
  orgRole: GitHubOrgRole | undefined,
): GitHubDerivedRole | undefined {
  if (installationAccount.type === 'User')
    return sameAccount(installationAccount, user) ? 'owner' : undefined;
  if (orgRole === 'admin') return 'owner';
  if (orgRole === 'member') return 'member';
  return undefined;
}
