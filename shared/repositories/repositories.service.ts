/**
 * Reading a tenant's repositories with what Assay knows about each: open
 * issues that have a checklist, open pull requests, and the conclusion of the
 * latest validation.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { page, parsePatternCursor } from '../identity/pagination.ts';
import { iso } from '../identity/rows.ts';
import { findRepositoryByName } from './find-repository.ts';

/** A repository as the API shows it. */
export interface RepositoryView {
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string | null;
  installationId: number;
  /** The check's gate: every failing test (`all`) or regressions against the base only. */
  gate: 'all' | 'regressions';
  /** Flaky tests do not block the check. */
  quarantineFlaky: boolean;
  counts: { openIssuesWithChecklists: number; openPulls: number };
  lastValidation: { conclusion: string; headSha: string; updatedAt: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** The repository rows with their counts, for the tenant of `trx`, ordered by lower-cased full name. */
function repositoriesWithCounts(trx: Transaction<Database>) {
  return trx
    .selectFrom('repositories as r')
    .select([
      'r.id',
      'r.owner',
      'r.name',
      'r.full_name',
      'r.private',
      'r.default_branch',
      'r.installation_id',
      'r.gate',
      'r.quarantine_flaky',
      'r.created_at',
      'r.updated_at',
      sql<string>`lower(r.full_name)`.as('sort_key'),
      sql<number>`(select count(*) from issues i join checklists c
          on c.repository_id = i.repository_id and c.issue_number = i.number
          where i.repository_id = r.id and i.state = 'open' and i.deleted_at is null)::int`.as('open_issues'),
      sql<number>`(select count(*) from pull_requests p
          where p.repository_id = r.id and p.state = 'open')::int`.as('open_pulls'),
      sql<{ conclusion: string; head_sha: string; updated_at: string } | null>`(select json_build_object(
          'conclusion', v.conclusion, 'head_sha', v.head_sha, 'updated_at', v.updated_at)
          from validations v where v.repository_id = r.id order by v.updated_at desc, v.id desc limit 1)`.as(
        'last_validation',
      ),
    ])
    .where('r.removed_at', 'is', null);
}

type Row = Awaited<ReturnType<ReturnType<typeof repositoriesWithCounts>['execute']>>[number];

function view(row: Row): RepositoryView {
  const last = row.last_validation;
  return {
    owner: row.owner,
    name: row.name,
    fullName: row.full_name,
    private: row.private,
    defaultBranch: row.default_branch,
    installationId: Number(row.installation_id),
    gate: row.gate,
    quarantineFlaky: row.quarantine_flaky,
    counts: { openIssuesWithChecklists: row.open_issues, openPulls: row.open_pulls },
    lastValidation: last
      ? {
          conclusion: last.conclusion,
          headSha: last.head_sha,
          updatedAt: new Date(last.updated_at).toISOString(),
        }
      : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const nameCursor = /^[a-z0-9-]{1,39}\/[a-z0-9._-]{1,100}$/;

/**
 * The organisation's installed repositories by full name, `limit` at a time;
 * `cursor` is the lower-cased full name of the last repository of the previous
 * page (`nextCursor`). A cursor this API did not return is a 400.
 */
export async function listRepositories(
  db: Kysely<Database>,
  orgId: string,
  query: { cursor?: string; limit: number },
): Promise<{ repositories: RepositoryView[]; nextCursor: string | null }> {
  const after = parsePatternCursor(query.cursor, nameCursor);
  return withTenant(db, orgId, async (trx) => {
    let q = repositoriesWithCounts(trx)
      .orderBy(sql`lower(r.full_name)`)
      .limit(query.limit + 1);
    if (after !== undefined) q = q.where(sql<string>`lower(r.full_name)`, '>', after);
    const result = page(await q.execute(), query.limit, (row) => row.sort_key);
    return { repositories: result.rows.map(view), nextCursor: result.nextCursor };
  });
}

/** One installed repository with its counts; 404 when the tenant has no such repository. */
export async function getRepository(
  db: Kysely<Database>,
  orgId: string,
  target: { owner: string; repo: string },
): Promise<RepositoryView> {
  return withTenant(db, orgId, async (trx) => {
    const repository = await findRepositoryByName(trx, target);
    const row = await repositoriesWithCounts(trx).where('r.id', '=', repository.id).executeTakeFirstOrThrow();
    return view(row);
  });
}
