import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../shared/audit/audit.ts';
import { getConfig } from '../../shared/config.ts';
import type { Database } from '../../shared/db/database.ts';
import { withSystem, withTenant } from '../../shared/db/tenant.ts';
import { DOCUMENT_FORMATS, documentKindOf } from '../../shared/documents/document-types.ts';
import { defaultTitle, getDocument } from '../../shared/documents/documents.service.ts';
import { createConfiguredEmbedder } from '../../shared/documents/embeddings/index.ts';
import { processDocument } from '../../shared/documents/processing.service.ts';
import { SEARCH_MODES, type SearchMode, searchDocuments } from '../../shared/documents/search.service.ts';
import { parseArgs } from './args.ts';
import { type CliDatabase, openCliDatabase } from './database.ts';
import { printJson } from './output.ts';
import { cliActor } from './token-command.ts';
import { documentsUsage } from './usage.ts';

export { documentsUsage };

interface ApiTarget {
  url: string;
  token: string;
}

function apiTarget(values: { url?: string; token?: string }): ApiTarget | undefined {
  const url = values.url ?? process.env.ASSAY_URL;
  const token = values.token ?? process.env.ASSAY_TOKEN;
  if (!url && !token) return undefined;
  if (!url || !token)
    throw new Error(`--url and --token (or ASSAY_URL and ASSAY_TOKEN) go together\n${documentsUsage}`);
  return { url: url.replace(/\/+$/, ''), token };
}

async function call(target: ApiTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${target.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok)
    throw new Error(`${method} ${path} → ${response.status}: ${json?.error?.message ?? text}`);
  return json;
}

const documentStatus = z.looseObject({ id: z.string(), status: z.string() });
const createdDocument = z.object({
  document: documentStatus,
  upload: z.object({ url: z.string(), headers: z.record(z.string(), z.string()) }),
});

/** The content type a file is uploaded with: the first one its kind accepts. */
function contentTypeOf(file: string): string {
  const kind = documentKindOf(file, 'application/octet-stream');
  if (!kind) {
    throw new Error(
      `${file}: not a supported document (PDF, DOCX, Markdown, text, CSV or HTML by its extension)`,
    );
  }
  return DOCUMENT_FORMATS[kind].contentTypes[0] as string;
}

async function orgIdOf(db: Kysely<Database>, login: string): Promise<string> {
  const org = await withSystem(db, (trx) =>
    trx
      .selectFrom('orgs')
      .select('id')
      .where(sql`lower(login)`, '=', login.toLowerCase())
      .where('deleted_at', 'is', null)
      .where('renamed_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!org) throw new Error(`No organisation ${login}`);
  return org.id;
}

async function uploadThroughApi(
  target: ApiTarget,
  org: string,
  file: string,
  title: string | undefined,
  wait: boolean,
) {
  const bytes = await readFile(file);
  const created = createdDocument.parse(
    await call(target, 'POST', `/orgs/${encodeURIComponent(org)}/documents`, {
      filename: basename(file),
      contentType: contentTypeOf(file),
      bytes: bytes.length,
      ...(title ? { title } : {}),
    }),
  );
  const put = await fetch(created.upload.url, {
    method: 'PUT',
    headers: created.upload.headers,
    body: bytes,
  });
  if (!put.ok) throw new Error(`${file}: the upload was refused (${put.status})`);
  let document = created.document;
  const deadline = Date.now() + 15 * 60_000;
  while (
    wait &&
    (document.status === 'pending' || document.status === 'processing') &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    document = documentStatus.parse(
      await call(target, 'GET', `/orgs/${encodeURIComponent(org)}/documents/${document.id}`),
    );
  }
  return document;
}

async function uploadLocally(db: Kysely<Database>, orgId: string, file: string, title: string | undefined) {
  const filename = basename(file);
  const contentType = contentTypeOf(file);
  const kind = documentKindOf(file, contentType);
  if (!kind) throw new Error(`${file}: not a supported document`);
  const size = (await stat(file)).size;
  const config = getConfig();
  const id = await withTenant(db, orgId, async (trx) => {
    const row = await trx
      .insertInto('documents')
      .values({
        org_id: orgId,
        title: title ?? defaultTitle(filename),
        filename,
        content_type: contentType,
        kind,
        bytes: size,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, orgId, cliActor, {
      action: 'document.created',
      targetType: 'document',
      targetId: row.id,
      details: { filename, kind, bytes: size, via: 'cli' },
    });
    return row.id;
  });
  await processDocument(
    {
      db,
      embedder: await createConfiguredEmbedder(config),
      limits: { maxBytes: config.ASSAY_DOCUMENT_MAX_BYTES, maxCsvRows: config.ASSAY_DOCUMENT_MAX_CSV_ROWS },
    },
    { id, orgId, kind },
    async () => createReadStream(file),
    size,
  );
  return getDocument(db, orgId, id);
}

/** Runs `fn` on the local database, closing it afterwards. */
async function onLocalDatabase<T>(fn: (database: CliDatabase) => Promise<T>): Promise<T> {
  const database = await openCliDatabase(getConfig().ASSAY_DATA_DIR);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/**
 * `assay documents upload <file>… --org <login>`: through the API (presigned
 * PUT, then waits for each document to be processed) or, with no API given,
 * parsed, chunked and embedded in this process straight into the local data
 * directory. Exit code 0 when every document is ready, 2 otherwise.
 */
export async function documentsCommand(args: string[]): Promise<{ output: unknown; exitCode: number }> {
  const [action, ...rest] = args;
  if (action !== 'upload')
    throw new Error(`Unknown documents action ${action ?? '(none)'}: use upload\n${documentsUsage}`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      org: { type: 'string' },
      title: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      'no-wait': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (!values.org) throw new Error(`--org <login> is required\n${documentsUsage}`);
  if (positionals.length === 0) throw new Error(`Name at least one file\n${documentsUsage}`);
  for (const file of positionals) contentTypeOf(file);
  const org = values.org;
  const target = apiTarget(values);
  const documents = target
    ? await Promise.all(
        positionals.map((file) => uploadThroughApi(target, org, file, values.title, !values['no-wait'])),
      )
    : await onLocalDatabase(async ({ db }) => {
        const orgId = await orgIdOf(db, org);
        const done = [];
        for (const file of positionals) done.push(await uploadLocally(db, orgId, file, values.title));
        return done;
      });
  return { output: { documents }, exitCode: documents.every((d) => d.status === 'ready') ? 0 : 2 };
}

/** `assay search "<query>" --org <login>`: through the API or on the local data directory. */
export async function searchCommand(args: string[]): Promise<{ output: unknown; exitCode: number }> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      mode: { type: 'string' },
      limit: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  const query = positionals.join(' ').trim();
  if (!values.org || !query) throw new Error(`search needs a query and --org <login>\n${documentsUsage}`);
  const mode = (values.mode ?? 'hybrid') as SearchMode;
  if (!SEARCH_MODES.includes(mode)) throw new Error('--mode must be hybrid, vector or text');
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50)
    throw new Error('--limit must be a whole number from 1 to 50');
  const org = values.org;
  const target = apiTarget(values);
  const output = target
    ? await call(target, 'POST', `/orgs/${encodeURIComponent(org)}/search`, { query, mode, limit })
    : await onLocalDatabase(async ({ db }) =>
        searchDocuments(
          { db, embedder: await createConfiguredEmbedder(getConfig()) },
          await orgIdOf(db, org),
          {
            query,
            mode,
            limit,
          },
        ),
      );
  return { output, exitCode: 0 };
}

/** `assay documents upload …`: prints each document's status; exit code as documented. */
export async function run(args: string[]): Promise<number> {
  const { output, exitCode } = await documentsCommand(args);
  printJson(output);
  return exitCode;
}

/** `assay search "<query>" …`: prints the results. */
export async function runSearch(args: string[]): Promise<number> {
  const { output, exitCode } = await searchCommand(args);
  printJson(output);
  return exitCode;
}
