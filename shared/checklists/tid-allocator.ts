import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';

/**
 * Hands out `count` new TIDs for a repository: one atomic upsert on the
 * repository's counter, so concurrent callers get disjoint ranges and a
 * number is never handed out twice, even after its item is retired.
 */
export async function allocateTids(
  trx: Transaction<Database>,
  target: { orgId: string; repositoryId: string },
  count: number,
): Promise<number[]> {
  if (count === 0) return [];
  const row = await trx
    .insertInto('tid_counters')
    .values({ repository_id: target.repositoryId, org_id: target.orgId, last_tid: count })
    .onConflict((oc) =>
      oc.column('repository_id').doUpdateSet({ last_tid: sql`tid_counters.last_tid + ${count}` }),
    )
    .returning('last_tid')
    .executeTakeFirstOrThrow();
  const first = row.last_tid - count + 1;
  return Array.from({ length: count }, (_, i) => first + i);
}
