/**
 * Organisation deletion. An owner confirms with the organisation's login
 * (`DELETE /api/v1/orgs/{org}`): the organisation is marked deleted at once —
 * from then on every lookup by login, API token, upload token, OIDC upload or
 * webhook treats it as gone — and the `deletions` queue consumer removes its
 * data in batches: objects under its prefixes, every tenant row (children
 * before parents, by foreign key), its webhook deliveries, its audit chain
 * and finally the organisation row, then completes the tombstone (the
 * `org_deletions` row: id, login, who asked, when, counts removed).
 *
 * Every step is a repeatable delete of "what is still there", and counts are
 * added in the same transaction as each batch, so a crash at any point is
 * resumed by the queue's next delivery with nothing lost or counted twice.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import type { Actor } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { ValidationError } from '../errors.ts';
import { EXPORT_PREFIX } from './export-retention.ts';
import { orgObjects, orgObjectsIn } from './object-prefixes.ts';
import { addCount, deleteRowBatch, deletionOrder, ROW_BATCH } from './org-data.repository.ts';
import { TENANT_TABLES } from './tenant-tables.ts';

/** Queue that carries out deletions (topology `queues.deletions`). */
export const DELETIONS_QUEUE = 'deletions';

/** A deletion as the API shows it. */
export interface OrgDeletionView {
  id: string;
  status: 'queued' | 'running' | 'completed';
  login: string;
  requestedAt: string;
}

/** Tables removed by the dedicated steps below, not by the generic batch loop. */
const SPECIAL = new Set(['orgs', 'audit_events', 'audit_chain_heads']);

/**
 * Marks the organisation deleted and queues its removal. `confirm` must be
 * the organisation's login (case-insensitive), else 400 and nothing happens.
 * If the message cannot be queued, the mark is undone and the error thrown,
 * so an organisation is never left inaccessible with nobody removing it.
 */
export async function requestOrgDeletion(
  db: Kysely<Database>,
  publisher: QueuePublisher,
  access: OrgAccess,
  actor: Actor,
  confirm: string,
): Promise<{ deletion: OrgDeletionView }> {
  if (confirm.toLowerCase() !== access.orgLogin.toLowerCase()) {
    throw new ValidationError(`confirm must be the organisation's login (${access.orgLogin})`, [
      { path: 'body.confirm', message: `must equal "${access.orgLogin}"` },
    ]);
  }
  const requestedBy = actor.login ?? actor.id ?? actor.type;
  const row = await withSystem(db, async (trx) => {
    const org = await trx
      .updateTable('orgs')
      .set({ deleted_at: sql<Date>`now()` })
      .where('id', '=', access.orgId)
      .where('deleted_at', 'is', null)
      .returning(['id', 'login', 'github_account_id'])
      .executeTakeFirst();
    if (!org) return undefined;
    const installations = await trx
      .selectFrom('installations')
      .select('id')
      .where('org_id', '=', org.id)
      .execute();
    const objects = await orgObjectsIn(trx, org.id, org.login);
    return trx
      .insertInto('org_deletions')
      .values({
        deleted_org_id: org.id,
        login: org.login,
        github_account_id: org.github_account_id,
        installation_ids: installations.map((i) => i.id),
        object_prefixes: [...objects.prefixes, `${EXPORT_PREFIX}${org.id}/`],
        requested_by: requestedBy,
      })
      .returning(['id', 'status', 'login', 'requested_at'])
      .executeTakeFirstOrThrow();
  });
  // A concurrent request got there first: the organisation is already gone for this caller.
  if (!row) throw new ValidationError('The organisation is already being deleted');
  try {
    await publisher.send(DELETIONS_QUEUE, { deletionId: row.id });
  } catch (error) {
    await withSystem(db, async (trx) => {
      await trx.deleteFrom('org_deletions').where('id', '=', row.id).execute();
      await trx.updateTable('orgs').set({ deleted_at: null }).where('id', '=', access.orgId).execute();
    });
    throw error;
  }
  return {
    deletion: {
      id: row.id,
      status: row.status,
      login: row.login,
      requestedAt: row.requested_at.toISOString(),
    },
  };
}

/** What the `deletions` consumer needs. */
export interface DeletionDeps {
  db: Kysely<Database>;
  objects: ObjectStore;
  /** Rows per statement (tests make it small to cross batch boundaries). */
  batch?: number;
  /** Called after every step; tests use it to stop a run half-way. */
  onStep?: (step: string) => void;
}

async function purgeObjects(
  deps: DeletionDeps,
  deletionId: string,
  orgId: string,
  login: string,
  prefixes: string[],
) {
  const { keys } = await orgObjects(deps.db, orgId, login);
  let removed = 0;
  for (const prefix of [...prefixes, ...keys]) {
    removed += await deps.objects.purgePrefix(prefix);
    deps.onStep?.(`objects:${prefix}`);
  }
  if (removed > 0) await withSystem(deps.db, (trx) => addCount(trx, deletionId, 'objects', removed));
}

/**
 * Carries out deletion `deletionId` (the `deletions` queue consumer). A
 * completed one is left alone; otherwise every step runs again from the top,
 * each removing only what is still there.
 *
 * @returns `completed`, or `skipped` for an unknown or already completed deletion.
 */
export async function runOrgDeletion(
  deps: DeletionDeps,
  deletionId: string,
): Promise<'completed' | 'skipped'> {
  const { db } = deps;
  const batch = deps.batch ?? ROW_BATCH;
  const deletion = await withSystem(db, (trx) =>
    trx
      .updateTable('org_deletions')
      .set({ status: 'running', attempts: sql<number>`attempts + 1` })
      .where('id', '=', deletionId)
      .where('status', '!=', 'completed')
      .returning(['id', 'deleted_org_id', 'login', 'installation_ids', 'object_prefixes'])
      .executeTakeFirst(),
  );
  if (!deletion) return 'skipped';
  const orgId = deletion.deleted_org_id;

  // Objects first, while the rows that name them still exist.
  await purgeObjects(deps, deletionId, orgId, deletion.login, deletion.object_prefixes);

  const order = await deletionOrder(
    db,
    TENANT_TABLES.map((t) => t.name),
  );
  for (const name of order) {
    if (SPECIAL.has(name)) continue;
    const table = TENANT_TABLES.find((t) => t.name === name);
    if (!table) continue;
    while ((await deleteRowBatch(db, deletionId, orgId, table, batch)) > 0) deps.onStep?.(`rows:${name}`);
  }

  // Webhook deliveries of its installations (system rows holding its payloads).
  const installationIds = deletion.installation_ids.map(String);
  if (installationIds.length > 0) {
    for (;;) {
      const rows = await withSystem(db, (trx) =>
        trx
          .selectFrom('webhook_deliveries')
          .select(['delivery_id', 'payload_key'])
          .where('installation_id', 'in', installationIds)
          .limit(batch)
          .execute(),
      );
      if (rows.length === 0) break;
      for (const row of rows) if (row.payload_key) await deps.objects.purgePrefix(row.payload_key);
      await withSystem(db, async (trx) => {
        await trx
          .deleteFrom('webhook_deliveries')
          .where(
            'delivery_id',
            'in',
            rows.map((r) => r.delivery_id),
          )
          .execute();
        await addCount(trx, deletionId, 'webhook_deliveries', rows.length);
      });
      deps.onStep?.('rows:webhook_deliveries');
    }
  }

  // The audit chain goes with the organisation; the tombstone is the record.
  for (;;) {
    const removed = await withSystem(db, async (trx) => {
      const result = await sql<{
        n: number;
      }>`select assay_purge_org_audit(${orgId}::uuid, ${batch}) as n`.execute(trx);
      const n = Number(result.rows[0]?.n ?? 0);
      if (n > 0) await addCount(trx, deletionId, 'audit_events', n);
      return n;
    });
    if (removed === 0) break;
    deps.onStep?.('rows:audit_events');
  }

  // Objects written while rows were going (an upload URL issued before the request), then the org.
  await purgeObjects(deps, deletionId, orgId, deletion.login, deletion.object_prefixes);
  await withSystem(db, async (trx) => {
    const removed = await trx.deleteFrom('orgs').where('id', '=', orgId).executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) await addCount(trx, deletionId, 'orgs', 1);
    await trx
      .updateTable('org_deletions')
      .set({ status: 'completed', completed_at: sql<Date>`now()` })
      .where('id', '=', deletionId)
      .execute();
  });
  return 'completed';
}

/** What a webhook delivery meets when its organisation was or is being deleted. */
export type DeletionGate = { kind: 'ignore'; reason: string } | { kind: 'retry'; reason: string } | undefined;

/** Account ids a payload names: installation account, repository owner, organisation. */
function accountIdsOf(payload: Record<string, unknown>): number[] {
  const idOf = (value: unknown): number | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const id = (value as { id?: unknown }).id;
    return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
  };
  const part = (name: string) => (payload[name] as Record<string, unknown> | undefined) ?? undefined;
  return [
    idOf(part('installation')?.account),
    idOf(part('repository')?.owner),
    idOf(payload.organization),
  ].filter((id): id is number => id !== undefined);
}

/**
 * One look-up, before a delivery is applied, of what an organisation deletion means for it:
 * - `ignore` — its installation belongs to an organisation that was (or is being) deleted: recorded
 *   ignored with the reason, until the App is installed again (a new installation id creates a new
 *   organisation);
 * - `retry` — an account it names belongs to an organisation being deleted, and applying it now would
 *   attach new rows to it: the queue retries it, and once the organisation row is gone it creates a
 *   new one;
 * - undefined — neither.
 */
export async function deletionGate(
  db: Kysely<Database>,
  installationId: number | string | null,
  payload: Record<string, unknown>,
): Promise<DeletionGate> {
  const accounts = accountIdsOf(payload).map(String);
  if (installationId === null && accounts.length === 0) return undefined;
  const rows = await withSystem(db, async (trx) => {
    const result = await sql<{ kind: 'tombstone' | 'deleting'; login: string; status: string | null }>`
      select 'tombstone' as kind, login, status from org_deletions
        where ${installationId === null ? sql`false` : sql`installation_ids @> array[${String(installationId)}]::bigint[]`}
      union all
      select 'deleting' as kind, login, null as status from orgs
        where deleted_at is not null and github_account_id = any(${accounts}::bigint[])`.execute(trx);
    return result.rows;
  });
  const tombstone = rows.find((r) => r.kind === 'tombstone');
  if (tombstone) {
    return {
      kind: 'ignore',
      reason:
        tombstone.status === 'completed'
          ? `organisation ${tombstone.login} was deleted; install the App again to start anew`
          : `organisation ${tombstone.login} is being deleted`,
    };
  }
  const deleting = rows[0];
  return deleting
    ? { kind: 'retry', reason: `organisation ${deleting.login} is being deleted; retry once it is gone` }
    : undefined;
}

/** Drops a delivery's payload (row and object): an ignored delivery of a deleted organisation keeps none of its data. */
export async function scrubDeliveryPayload(
  db: Kysely<Database>,
  objects: ObjectStore,
  delivery: { delivery_id: string; payload_key: string | null },
): Promise<void> {
  if (delivery.payload_key) await objects.purgePrefix(delivery.payload_key);
  await withSystem(db, (trx) =>
    trx
      .updateTable('webhook_deliveries')
      .set({ payload: '{}', payload_key: null })
      .where('delivery_id', '=', delivery.delivery_id)
      .execute(),
  );
}
