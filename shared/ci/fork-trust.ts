/**
 * Which pulled reports may prove criteria (issue 30). A fork's artifacts are
 * written by the fork's own code and workflow, so a fork could certify itself
 * with a fabricated report. Reports pulled from a fork's run are therefore
 * trusted only when a person with write access trusted that head SHA
 * (`/assay trust` on the pull request, or the console; audited), or — with
 * the repository setting `forkTrust: known_contributors` — when the pull
 * request's author has contributed before. Until then their failures count
 * and their passes prove nothing (see `failuresOnly` in
 * `shared/validation/junit-results.ts`). Same-repository runs and uploads
 * (OIDC, upload token) are trusted as before.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError } from '../errors.ts';
import { findPullInTenant } from '../manifests/pull-actions.service.ts';

/** GitHub author associations of people who contributed before (GitHub's own first-time-contributor rule). */
export const KNOWN_CONTRIBUTOR_ASSOCIATIONS: ReadonlySet<string> = new Set([
  'OWNER',
  'MEMBER',
  'COLLABORATOR',
  'CONTRIBUTOR',
]);

/** What decides whether one CI run's reports are trusted. */
export interface RunTrustInput {
  source: 'upload' | 'pulled';
  fromFork: boolean;
  authorAssociation: string | null;
}

/**
 * True when the run's reports may prove criteria: uploads and same-repository
 * pulls always; fork pulls when the head SHA is trusted, or with
 * `known_contributors` when the author's association is a known one.
 */
export function isRunTrusted(
  run: RunTrustInput,
  setting: 'trusted_sha' | 'known_contributors',
  shaTrusted: boolean,
): boolean {
  if (run.source !== 'pulled' || !run.fromFork) return true;
  if (shaTrusted) return true;
  return (
    setting === 'known_contributors' &&
    run.authorAssociation !== null &&
    KNOWN_CONTRIBUTOR_ASSOCIATIONS.has(run.authorAssociation.toUpperCase())
  );
}

/** True when a person trusted `headSha` of the repository. */
export async function isShaTrusted(
  trx: Transaction<Database> | Kysely<Database>,
  repositoryId: string,
  headSha: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom('trusted_shas')
    .select('id')
    .where('repository_id', '=', repositoryId)
    .where('head_sha', '=', headSha.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records that `login` trusted `headSha` (idempotent: the first trust stands)
 * and audits it as `fork_sha.trusted` (`via`: `command` or `console`).
 * Returns false when it was already trusted.
 */
export async function trustHeadSha(
  trx: Transaction<Database>,
  target: {
    orgId: string;
    repositoryId: string;
    repository: string;
    headSha: string;
    pullNumber: number | null;
  },
  by: { login: string; via: 'command' | 'console'; actor: Actor },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('trusted_shas')
    .values({
      org_id: target.orgId,
      repository_id: target.repositoryId,
      head_sha: target.headSha.toLowerCase(),
      trusted_by: by.login,
      via: by.via,
    })
    .onConflict((oc) => oc.constraint('trusted_shas_repository_sha_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await recordAudit(trx, target.orgId, by.actor, {
    action: 'fork_sha.trusted',
    targetType: 'repository',
    targetId: target.repository,
    details: {
      headSha: target.headSha.toLowerCase(),
      pullNumber: target.pullNumber,
      via: by.via,
      login: by.login,
    },
  });
  return true;
}

/** `sql` fragment: true when the CI run aliased `run` is trusted (for list queries). */
export function runTrustedSql(repositoryForkTrust: 'trusted_sha' | 'known_contributors') {
  const known = [...KNOWN_CONTRIBUTOR_ASSOCIATIONS];
  return sql<boolean>`(ci_runs.source <> 'pulled' or not ci_runs.from_fork
    or exists (select 1 from trusted_shas t where t.repository_id = ci_runs.repository_id and t.head_sha = ci_runs.head_sha)
    or (${repositoryForkTrust} = 'known_contributors' and upper(coalesce(ci_runs.author_association, '')) in (${sql.join(known)})))`;
}

/**
 * The console's "Trust this commit" (`POST …/pulls/{n}/trust`): trusts the
 * pull request's current head SHA (`expectedSha`, when given, must be it:
 * 409 `head_moved`), audited, and says who trusted it first and when. The
 * caller queues the revalidation with the returned target.
 */
export async function trustPullHead(
  db: Kysely<Database>,
  orgId: string,
  actor: Actor,
  target: { owner: string; repo: string; number: number },
  expectedSha: string | undefined,
) {
  return withTenant(db, orgId, async (trx) => {
    const pull = await findPullInTenant(trx, target);
    const headSha = pull.head_sha.toLowerCase();
    if (expectedSha !== undefined && expectedSha.toLowerCase() !== headSha)
      throw new ConflictError(
        `The head of #${target.number} is now ${headSha.slice(0, 7)}, not ${expectedSha.slice(0, 7)}: review it before trusting`,
        'head_moved',
      );
    const login = actor.login ?? actor.id ?? 'unknown';
    const trusted = await trustHeadSha(
      trx,
      {
        orgId,
        repositoryId: pull.repository_id,
        repository: pull.full_name,
        headSha,
        pullNumber: target.number,
      },
      { login, via: 'console', actor },
    );
    const row = await trx
      .selectFrom('trusted_shas')
      .select(['trusted_by', 'via', 'created_at'])
      .where('repository_id', '=', pull.repository_id)
      .where('head_sha', '=', headSha)
      .executeTakeFirstOrThrow();
    return {
      result: {
        headSha,
        trusted,
        trustedBy: row.trusted_by,
        via: row.via,
        trustedAt: row.created_at.toISOString(),
      },
      validation: {
        installationId: Number(pull.installation_id),
        repositoryGithubId: Number(pull.github_id),
        repoFullName: pull.full_name,
        headSha,
        pullNumbers: [target.number],
        reason: 'revalidate' as const,
      },
    };
  });
}
