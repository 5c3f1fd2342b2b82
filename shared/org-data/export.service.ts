/**
 * Organisation export: an owner asks (`POST /api/v1/orgs/{org}/exports`), the
 * `exports` queue consumer streams one ZIP to the bucket — a JSON Lines file
 * per tenant table, every object the organisation has under `objects/`, and a
 * `manifest.json` with counts and the SHA-256 of every file — and the API
 * hands out a presigned GET (15 minutes, re-issued on each read) until the
 * export expires after 7 days (bucket lifecycle rule on `exports/`).
 *
 * Never exported: token and invitation hashes (see {@link TENANT_TABLES}),
 * sessions, webhook payloads and secrets (not tenant tables).
 *
 * @module
 */
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import { type Actor, recordAudit } from '../audit/audit.ts';
import type { OrgAccess } from '../auth/org-access.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { parseIdCursor } from '../identity/pagination.ts';
import { type ArchivedFile, createExportArchive } from './export-archive.ts';
import { EXPORT_PREFIX, EXPORT_RETENTION_DAYS } from './export-retention.ts';
import { orgObjects } from './object-prefixes.ts';
import { tableColumns, tableLines } from './org-data.repository.ts';
import { EXPORT_FORMAT_VERSION, TENANT_TABLES } from './tenant-tables.ts';

/** Queue that builds exports (topology `queues.exports`). */
export const EXPORTS_QUEUE = 'exports';
/** Seconds a download URL is valid. */
export const EXPORT_URL_SECONDS = 15 * 60;
/** Attempts before an export is recorded `failed` instead of retried. */
export const EXPORT_MAX_ATTEMPTS = 3;

/** An export as the API shows it. */
export interface OrgExportView {
  id: string;
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired';
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Bytes of the ZIP. */
  bytes?: number;
  expiresAt?: string;
  /** Presigned GET, valid 15 minutes from this response (ready exports only). */
  downloadUrl?: string;
  downloadUrlExpiresAt?: string;
  /** Rows per table and objects, once ready. */
  counts?: Record<string, number>;
  error?: string;
}

type ExportRow = {
  id: string;
  status: 'queued' | 'running' | 'ready' | 'failed';
  object_key: string | null;
  bytes: string | null;
  counts: Record<string, number>;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date | null;
};

const exportColumns = [
  'id',
  'status',
  'object_key',
  'bytes',
  'counts',
  'error',
  'created_at',
  'started_at',
  'finished_at',
  'expires_at',
] as const;

/** `exports/{orgId}/{exportId}.zip`. */
export function exportObjectKey(orgId: string, exportId: string): string {
  return `${EXPORT_PREFIX}${orgId}/${exportId}.zip`;
}

async function toView(
  row: ExportRow,
  objects: ObjectStore | undefined,
  orgLogin: string,
  now: Date,
): Promise<OrgExportView> {
  const expired = row.status === 'ready' && row.expires_at !== null && row.expires_at <= now;
  const view: OrgExportView = {
    id: row.id,
    status: expired ? 'expired' : row.status,
    createdAt: row.created_at.toISOString(),
    ...(row.started_at ? { startedAt: row.started_at.toISOString() } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    ...(row.bytes !== null ? { bytes: Number(row.bytes) } : {}),
    ...(row.expires_at ? { expiresAt: row.expires_at.toISOString() } : {}),
    ...(row.status === 'ready' ? { counts: row.counts } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
  if (row.status === 'ready' && !expired && row.object_key && objects) {
    const day = row.created_at.toISOString().slice(0, 10);
    view.downloadUrl = await objects.presignGet(
      row.object_key,
      EXPORT_URL_SECONDS,
      `assay-export-${orgLogin}-${day}.zip`,
    );
    view.downloadUrlExpiresAt = new Date(now.getTime() + EXPORT_URL_SECONDS * 1000).toISOString();
  }
  return view;
}

/**
 * Records an export request (status `queued`), audits it (`org.export_requested`)
 * and queues it. Returns `{ export: { id, status: "queued", … } }`.
 */
export async function requestOrgExport(
  db: Kysely<Database>,
  publisher: QueuePublisher,
  access: OrgAccess,
  actor: Actor,
): Promise<{ export: OrgExportView }> {
  const row = await withTenant(db, access.orgId, async (trx) => {
    const inserted = await trx
      .insertInto('org_exports')
      .values({ org_id: access.orgId, requested_by: actor.login })
      .returning(exportColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, access.orgId, actor, {
      action: 'org.export_requested',
      targetType: 'org_export',
      targetId: inserted.id,
    });
    return inserted;
  });
  await publisher.send(EXPORTS_QUEUE, { orgId: access.orgId, exportId: row.id });
  return { export: await toView(row, undefined, access.orgLogin, new Date()) };
}

/** The organisation's exports, newest first, cursor-paginated by id. */
export async function listOrgExports(
  db: Kysely<Database>,
  objects: ObjectStore,
  access: OrgAccess,
  query: { cursor?: string; limit: number },
): Promise<{ exports: OrgExportView[]; nextCursor: string | null }> {
  const cursor = parseIdCursor(query.cursor);
  const rows = await withTenant(db, access.orgId, async (trx) => {
    let q = trx.selectFrom('org_exports').select(exportColumns);
    if (cursor) {
      q = q.where(({ eb, selectFrom }) =>
        eb(
          sql`(created_at, id)`,
          '<',
          selectFrom('org_exports').select(sql`(created_at, id)`.as('k')).where('id', '=', cursor),
        ),
      );
    }
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
  });
  const page = rows.slice(0, query.limit);
  const now = new Date();
  return {
    exports: await Promise.all(page.map((row) => toView(row, objects, access.orgLogin, now))),
    nextCursor: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** One export, with a fresh download URL when it is ready (404 for an unknown id). */
export async function getOrgExport(
  db: Kysely<Database>,
  objects: ObjectStore,
  access: OrgAccess,
  id: string,
): Promise<OrgExportView> {
  const row = await withTenant(db, access.orgId, (trx) =>
    trx.selectFrom('org_exports').select(exportColumns).where('id', '=', id).executeTakeFirst(),
  );
  if (!row) throw new NotFoundError(`Export ${id} not found`);
  return toView(row, objects, access.orgLogin, new Date());
}

/** What the `exports` consumer needs. */
export interface ExportDeps {
  db: Kysely<Database>;
  objects: ObjectStore;
}

/** Rows of the organisation's members from the system-wide `users` table (names for member ids). */
async function* memberLines(db: Kysely<Database>, orgId: string): AsyncGenerator<string[]> {
  const rows = await withTenant(db, orgId, async (trx) => {
    const result = await sql<{ line: string }>`
      select to_jsonb(u)::text as line from (
        select users.id, users.github_id, users.login, users.name, users.avatar_url
        from memberships join users on users.id = memberships.user_id
        where memberships.org_id = ${orgId} order by users.id) u`.execute(trx);
    return result.rows;
  });
  if (rows.length > 0) yield rows.map((row) => `${row.line}\n`);
}

/** A stream of batches of lines, one chunk per batch, counting the lines. */
function counted(source: AsyncGenerator<string[]>, onLines: (n: number) => void): Readable {
  return Readable.from(
    (async function* () {
      for await (const lines of source) {
        onLines(lines.length);
        yield lines.join('');
      }
    })(),
  );
}

/**
 * Builds the export `exportId` of `orgId` (the `exports` queue consumer).
 * Claims it (`queued`/`running` → `running`; a finished one is left alone, so
 * a repeated message changes nothing), streams the ZIP to
 * `exports/{orgId}/{exportId}.zip` with a multipart upload, and records
 * `ready` with its size, counts and `expiresAt` (+7 days). An error is
 * rethrown for the queue to retry until {@link EXPORT_MAX_ATTEMPTS}, then
 * recorded as `failed` with its message.
 */
export async function runOrgExport(
  deps: ExportDeps,
  message: { orgId: string; exportId: string },
): Promise<'ready' | 'skipped' | 'failed'> {
  const { db } = deps;
  const { orgId, exportId } = message;
  const claim = await withSystem(db, async (trx) => {
    const org = await trx
      .selectFrom('orgs')
      .select(['id', 'login', 'github_account_id', 'deleted_at'])
      .where('id', '=', orgId)
      .executeTakeFirst();
    if (!org || org.deleted_at) return undefined;
    const row = await trx
      .updateTable('org_exports')
      .set({ status: 'running', started_at: sql<Date>`now()`, attempts: sql<number>`attempts + 1` })
      .where('id', '=', exportId)
      .where('org_id', '=', orgId)
      .where('status', 'in', ['queued', 'running'])
      .returning(['attempts', 'created_at'])
      .executeTakeFirst();
    return row ? { org, attempts: row.attempts, createdAt: row.created_at } : undefined;
  });
  if (!claim) return 'skipped';
  const key = exportObjectKey(orgId, exportId);
  try {
    const { counts, bytes } = await writeArchive(deps, claim.org, exportId, claim.createdAt, key);
    await withSystem(db, (trx) =>
      trx
        .updateTable('org_exports')
        .set({
          status: 'ready',
          object_key: key,
          bytes,
          counts: JSON.stringify(counts),
          error: null,
          finished_at: sql<Date>`now()`,
          expires_at: sql<Date>`now() + make_interval(days => ${EXPORT_RETENTION_DAYS})`,
        })
        .where('id', '=', exportId)
        .execute(),
    );
    return 'ready';
  } catch (error) {
    if (claim.attempts < EXPORT_MAX_ATTEMPTS) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    await withSystem(db, (trx) =>
      trx
        .updateTable('org_exports')
        .set({ status: 'failed', error: reason.slice(0, 1000), finished_at: sql<Date>`now()` })
        .where('id', '=', exportId)
        .execute(),
    );
    return 'failed';
  }
}

async function writeArchive(
  deps: ExportDeps,
  org: { id: string; login: string; github_account_id: string },
  exportId: string,
  createdAt: Date,
  key: string,
): Promise<{ counts: Record<string, number>; bytes: number }> {
  const { db, objects } = deps;
  const archive = createExportArchive(createdAt);
  const upload = objects.uploadStream(key, archive.output, 'application/zip').catch((error: unknown) => {
    archive.output.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  const build = async () => {
    const files: (ArchivedFile & { rows?: number })[] = [];
    const tables = [];
    const counts: Record<string, number> = {};
    for (const table of TENANT_TABLES) {
      let rows = 0;
      const path = `tables/${table.name}.jsonl`;
      const file = await archive.add(path, () =>
        counted(tableLines(db, org.id, table), (n) => {
          rows += n;
        }),
      );
      files.push({ ...file, rows });
      counts[table.name] = rows;
      const columns = (await tableColumns(db, table.name)).filter((c) => !table.omit.includes(c.name));
      tables.push({
        name: table.name,
        file: path,
        rows,
        description: table.description,
        omittedColumns: table.omit,
        columns,
      });
    }
    let members = 0;
    const membersFile = await archive.add('tables/users.jsonl', () =>
      counted(memberLines(db, org.id), (n) => {
        members += n;
      }),
    );
    files.push({ ...membersFile, rows: members });
    counts.users = members;
    const { prefixes, keys } = await orgObjects(db, org.id, org.login);
    let objectCount = 0;
    let objectBytes = 0;
    const exactKeys = new Set(keys);
    // A listing of a single key (prefix = the key) finds it only if it still exists.
    for (const prefix of [...prefixes, ...keys]) {
      for await (const object of objects.list(prefix)) {
        if (exactKeys.has(prefix) && object.key !== prefix) continue;
        const file = await archive.add(`objects/${object.key}`, () => objects.openStream(object.key));
        files.push(file);
        objectCount += 1;
        objectBytes += file.bytes;
      }
    }
    counts.objects = objectCount;
    const manifest = {
      formatVersion: EXPORT_FORMAT_VERSION,
      exportId,
      createdAt: createdAt.toISOString(),
      org: { id: org.id, login: org.login, githubAccountId: org.github_account_id },
      counts,
      objects: { count: objectCount, bytes: objectBytes, prefixes, keys: keys.length },
      tables,
      files,
      notIncluded: [
        'API, upload and invitation token hashes',
        'sign-in sessions',
        'webhook payloads and secrets',
      ],
    };
    await archive.finish('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    return counts;
  };
  const [counts] = await Promise.all([
    build().catch((error: unknown) => {
      archive.output.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }),
    upload,
  ]);
  return { counts, bytes: archive.bytesWritten() };
}
