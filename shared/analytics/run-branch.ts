import { type RawBuilder, sql } from 'kysely';

/**
 * SQL: the branch a CI run built, from the `ci_runs` row aliased `run` — its
 * ref `refs/heads/<branch>`, else the head branch of its pull request, else
 * `''` (not known: an upload token without `ref`). Refs come from the OIDC
 * claim or the upload request (see the README's CI section).
 */
export function runBranch(run: string): RawBuilder<string> {
  const r = sql.ref(run);
  return sql<string>`coalesce(
    case when ${r}.ref like 'refs/heads/%' then substr(${r}.ref, 12) end,
    (select p.head_ref from pull_requests p
      where p.repository_id = ${r}.repository_id and p.number = ${r}.pull_number),
    '')`;
}
