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

/**
 * Creates the `Assay` check run for a head SHA once, then updates it in place,
 * writing to GitHub only when its status or output changes. Runs inside the
 * caller's tenant transaction with the SHA's row locked, so concurrent
 * deliveries never create a second check run. A check already concluded by
 * validation is left alone unless `force` is set.
 */
export async function upsertCheckRun(
  trx: Transaction<Database>,
  github: GitHubClient,
  ref: RepoRef,
  target: { orgId: string; repositoryId: string; headSha: string },
  input: Omit<CheckRunInput, 'name' | 'headSha'>,
  options: { force?: boolean } = {},
): Promise<{ githubId: number; action: 'created' | 'updated' | 'unchanged' | 'kept' }> {
  await trx
    .insertInto('check_runs')
    .values({
      org_id: target.orgId,
      repository_id: target.repositoryId,
      head_sha: target.headSha,
      name: CHECK_NAME,
      status: 'queued',
    })
    .onConflict((oc) => oc.columns(['repository_id', 'head_sha', 'name']).doNothing())
    .execute();
  const row = await trx
    .selectFrom('check_runs')
    .selectAll()
    .where('repository_id', '=', target.repositoryId)
    .where('head_sha', '=', target.headSha)
    .where('name', '=', CHECK_NAME)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const { send, annotated } = newAnnotations(row.github_id === null ? [] : row.annotated, input);
  if (row.github_id !== null) {
    if (row.status === 'completed' && row.conclusion !== 'neutral' && !options.force) {
      return { githubId: Number(row.github_id), action: 'kept' };
    }
    if (row.output_hash === hash) return { githubId: Number(row.github_id), action: 'unchanged' };
    await github.updateCheckRun(ref, Number(row.github_id), send);
  } else {
    const created = await github.createCheckRun(ref, { ...send, name: CHECK_NAME, headSha: target.headSha });
    row.github_id = String(created.id);
  }
  await trx
    .updateTable('check_runs')
    .set({
      github_id: row.github_id,
      status: input.status ?? 'queued',
      conclusion: input.conclusion ?? null,
      output_hash: hash,
      annotated: JSON.stringify(annotated),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', row.id)
    .execute();
  return { githubId: Number(row.github_id), action: row.output_hash === null ? 'created' : 'updated' };
}
