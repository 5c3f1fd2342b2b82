import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { validationViewUrl } from '../validation/validation-url.ts';
import type { NotificationKind } from './notification.ts';

/** A validation of one head SHA that just concluded. */
export interface ValidationConcluded {
  orgId: string;
  repositoryId: string;
  /** `owner/repo`. */
  repository: string;
  pullNumber: number | undefined;
  headSha: string;
  conclusion: 'success' | 'failure' | 'action_required' | 'neutral' | 'pending';
  counts: { passed: number; failed: number; skipped: number; missing: number; flaky: number };
  /** Base URL of this API for the link (a path relative to it when unset). */
  publicUrl?: string;
  /** The SHA's validation before this one, if it had one. */
  previous?: { conclusion: string; updatedAt: Date } | undefined;
}

const kinds: Partial<Record<ValidationConcluded['conclusion'], { kind: NotificationKind; verb: string }>> = {
  failure: { kind: 'validation_failed', verb: 'failed' },
  success: { kind: 'validation_passed', verb: 'passed' },
};

/**
 * The key that makes one change of a SHA's conclusion notify each follower
 * once: `validation:{repositoryId}:{headSha}:{conclusion}` for the first
 * conclusion, with `:after:{time of the previous validation}` for a later
 * change — so failed → passed → failed notifies three times, while the same
 * transition processed twice notifies once.
 */
export function validationDedupeKey(
  event: Pick<ValidationConcluded, 'repositoryId' | 'headSha' | 'conclusion' | 'previous'>,
) {
  const key = `validation:${event.repositoryId}:${event.headSha}:${event.conclusion}`;
  return event.previous ? `${key}:after:${event.previous.updatedAt.toISOString()}` : key;
}

function describe(event: ValidationConcluded, verb: string) {
  const short = event.headSha.slice(0, 7);
  const where =
    event.pullNumber === undefined
      ? `${event.repository}@${short}`
      : `${event.repository}#${event.pullNumber}`;
  const c = event.counts;
  const total = c.passed + c.failed + c.skipped + c.missing;
  const flaky = c.flaky > 0 ? ` (${c.flaky} flaky)` : '';
  return {
    title: `Validation ${verb}: ${where}`,
    body: `${total} criteria on ${short}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${c.missing} missing${flaky}.`,
    link:
      event.pullNumber === undefined
        ? null
        : validationViewUrl(event.publicUrl ?? '', event.repository, event.pullNumber, event.headSha),
  };
}

/**
 * Notifies every member of the organisation who follows the repository that
 * its validation of a head SHA failed or passed (other conclusions notify no
 * one), when that conclusion differs from the SHA's previous one. Runs in
 * the caller's tenant transaction, so it commits or rolls back with the
 * validation. One row per follower, keyed by {@link validationDedupeKey}, so
 * processing the same change again inserts nothing. Returns how many
 * notifications were created.
 */
export async function notifyValidationConcluded(
  trx: Transaction<Database>,
  event: ValidationConcluded,
): Promise<number> {
  const spec = kinds[event.conclusion];
  // Only a change of conclusion is news: a re-validation that ends where it was notifies no one.
  if (!spec || event.previous?.conclusion === event.conclusion) return 0;
  const text = describe(event, spec.verb);
  const subject = {
    repository: event.repository,
    pullNumber: event.pullNumber ?? null,
    headSha: event.headSha,
    conclusion: event.conclusion,
  };
  const result = await trx
    .insertInto('notifications')
    .columns(['org_id', 'user_id', 'kind', 'title', 'body', 'link', 'subject', 'dedupe_key'])
    .expression((eb) =>
      eb
        .selectFrom('repository_follows')
        .innerJoin('memberships', (join) =>
          join
            .onRef('memberships.org_id', '=', 'repository_follows.org_id')
            .onRef('memberships.user_id', '=', 'repository_follows.user_id'),
        )
        .select([
          'repository_follows.org_id',
          'repository_follows.user_id',
          sql<string>`${spec.kind}::text`.as('kind'),
          sql<string>`${text.title}::text`.as('title'),
          sql<string>`${text.body}::text`.as('body'),
          sql<string | null>`${text.link}::text`.as('link'),
          sql<string>`${JSON.stringify(subject)}::jsonb`.as('subject'),
          sql<string>`${validationDedupeKey(event)}::text`.as('dedupe_key'),
        ])
        .where('repository_follows.org_id', '=', event.orgId)
        .where('repository_follows.repository_id', '=', event.repositoryId),
    )
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
