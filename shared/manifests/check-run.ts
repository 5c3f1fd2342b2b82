import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type {
  CheckRunAnnotation,
  CheckRunInput,
  GitHubClient,
  RepoRef,
} from '../github/github-client.types.ts';

/** The name of Assay's validation check. */
export const CHECK_NAME = 'Assay';

const fingerprint = (a: CheckRunAnnotation) =>
  createHash('sha256')
    .update(JSON.stringify([a.path, a.start_line, a.end_line, a.annotation_level, a.title, a.message]))
    .digest('hex')
    .slice(0, 24);

/**
 * GitHub appends a check run's annotations on every update, so only those not
 * sent before go out; returns the input to send and every fingerprint sent.
 */
function newAnnotations(
  sent: readonly string[],
  input: Omit<CheckRunInput, 'name' | 'headSha'>,
): { send: Omit<CheckRunInput, 'name' | 'headSha'>; annotated: string[] } {
  const annotations = input.output?.annotations;
  if (!input.output || !annotations?.length) return { send: input, annotated: [...sent] };
  const seen = new Set(sent);
  const fresh = annotations.filter((a) => {
    const key = fingerprint(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { send: { ...input, output: { ...input.output, annotations: fresh } }, annotated: [...seen] };
}

/** What {@link upsertCheckRun} did on GitHub. */
export type CheckAction = 'created' | 'updated' | 'unchanged' | 'kept';

/**
 * Writes the `Assay` check run of a head SHA, following GitHub's rule that a
 * completed check run is final (GitHub answers a PATCH of its status or
 * conclusion with 200 and keeps the old state):
 *
 * - at most one *open* check run per SHA, updated in place (and completed in
 *   place) while open — only when its output or status changes;
 * - once the newest is completed, the same result again changes nothing;
 *   a different one creates a new check run of the same name (GitHub shows
 *   the newest), unless `whenCompleted` is `keep`, which leaves it as it is
 *   (a manifest rebuild whose validation follows and decides);
 * - annotations already sent on a check run are not sent to it again
 *   (GitHub appends them on every update); a new check run gets them all.
 *
 * Runs inside the caller's tenant transaction under a transaction-scoped
 * advisory lock on (repository, SHA, name), so concurrent deliveries never
 * open a second check run.
 */
export async function upsertCheckRun(
  trx: Transaction<Database>,
  github: GitHubClient,
  ref: RepoRef,
  target: { orgId: string; repositoryId: string; headSha: string },
  input: Omit<CheckRunInput, 'name' | 'headSha'>,
  options: { whenCompleted?: 'new' | 'keep' } = {},
): Promise<{ githubId: number; action: CheckAction }> {
  const key = `${target.repositoryId}:${target.headSha}:${CHECK_NAME}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  const latest = await trx
    .selectFrom('check_runs')
    .selectAll()
    .where('repository_id', '=', target.repositoryId)
    .where('head_sha', '=', target.headSha)
    .where('name', '=', CHECK_NAME)
    .where('github_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const row = {
    status: input.status ?? 'queued',
    conclusion: input.conclusion ?? null,
    output_hash: hash,
    updated_at: sql<Date>`now()`,
  };
  if (latest && latest.output_hash === hash)
    return { githubId: Number(latest.github_id), action: 'unchanged' };
  if (latest && latest.status !== 'completed') {
    const { send, annotated } = newAnnotations(latest.annotated, input);
    await github.updateCheckRun(ref, Number(latest.github_id), send);
    await trx
      .updateTable('check_runs')
      .set({ ...row, annotated: JSON.stringify(annotated) })
      .where('id', '=', latest.id)
      .execute();
    return { githubId: Number(latest.github_id), action: 'updated' };
  }
  if (latest && options.whenCompleted === 'keep')
    return { githubId: Number(latest.github_id), action: 'kept' };
  const { send, annotated } = newAnnotations([], input);
  const created = await github.createCheckRun(ref, { ...send, name: CHECK_NAME, headSha: target.headSha });
  await trx
    .insertInto('check_runs')
    .values({
      org_id: target.orgId,
      repository_id: target.repositoryId,
      head_sha: target.headSha,
      name: CHECK_NAME,
      github_id: String(created.id),
      ...row,
      annotated: JSON.stringify(annotated),
    })
    .execute();
  return { githubId: created.id, action: 'created' };
}

/** The newest `Assay` check run of a head SHA as stored (the one GitHub shows), if any. */
export function latestCheckRun(trx: Transaction<Database>, repositoryId: string, headSha: string) {
  return trx
    .selectFrom('check_runs')
    .selectAll()
    .where('repository_id', '=', repositoryId)
    .where('head_sha', '=', headSha)
    .where('name', '=', CHECK_NAME)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
