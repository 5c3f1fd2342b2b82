/**
 * SQL of the documents context. Every function runs inside the caller's
 * tenant (or system) transaction; row-level security keeps tenants apart.
 *
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { spaceUnspacedWords } from '../text/tokenizer.ts';
import type { DocumentChunkDraft, DocumentStatus, FailureReason } from './document-types.ts';

type Trx = Transaction<Database>;

/** Columns a document is shown with. */
export const documentColumns = [
  'id',
  'title',
  'filename',
  'content_type',
  'kind',
  'bytes',
  'status',
  'failure_reason',
  'message',
  'page_count',
  'chunk_count',
  'embedding_model',
  'created_at',
  'ready_at',
] as const;

export type DocumentRow = NonNullable<Awaited<ReturnType<typeof findDocument>>>;

/** One document of the tenant, or undefined. */
export function findDocument(trx: Trx, id: string) {
  return trx.selectFrom('documents').select(documentColumns).where('id', '=', id).executeTakeFirst();
}

/** The pgvector text form of a vector, `[x,y,…]`. */
export function vectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((v) => (Number.isFinite(v) ? Math.fround(v) : 0)).join(',')}]`;
}

/**
 * Moves a document from `pending` (or an interrupted `processing`) to
 * `processing`. Returns false when it is already ready or failed, so a
 * repeated event changes nothing.
 */
export async function claimForProcessing(trx: Trx, id: string): Promise<boolean> {
  const result = await trx
    .updateTable('documents')
    .set({ status: 'processing', processing_started_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'processing'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a failure on a document still being processed; false if it had already finished. */
export async function markFailed(
  trx: Trx,
  id: string,
  failure: { reason: FailureReason; message: string },
): Promise<boolean> {
  const result = await trx
    .updateTable('documents')
    .set({
      status: 'failed' satisfies DocumentStatus,
      failure_reason: failure.reason,
      message: failure.message.slice(0, 1000),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'processing'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface ReadyDocument {
  id: string;
  orgId: string;
  bytes: number;
  pageCount?: number;
  model: string;
  dimensions: number;
  chunks: ReadonlyArray<DocumentChunkDraft & { embedding: readonly number[] }>;
  /** A new title (the document's own, when the uploader gave none). */
  title?: string;
  /** What to know about how it was read (warnings), kept in `message`. */
  message?: string;
}

const INSERT_BATCH = 100;

/** Full-text matches re-ranked by how many query terms they contain. */
const RERANK_POOL = 500;

/**
 * Stores a processed document: marks it ready (only if it is still
 * processing, else returns false and writes nothing), replaces its chunks
 * and records the embedding model. Run it in one transaction.
 */
export async function storeReadyDocument(trx: Trx, doc: ReadyDocument): Promise<boolean> {
  const finished = await trx
    .updateTable('documents')
    .set({
      status: 'ready',
      failure_reason: null,
      message: doc.message ? doc.message.slice(0, 1000) : null,
      ...(doc.title ? { title: doc.title } : {}),
      bytes: doc.bytes,
      page_count: doc.pageCount ?? null,
      chunk_count: doc.chunks.length,
      embedding_model: doc.model,
      embedding_dimensions: doc.dimensions,
      ready_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', doc.id)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  if (finished.numUpdatedRows === 0n) return false;
  await trx.deleteFrom('document_chunks').where('document_id', '=', doc.id).execute();
  for (let start = 0; start < doc.chunks.length; start += INSERT_BATCH) {
    await trx
      .insertInto('document_chunks')
      .values(
        doc.chunks.slice(start, start + INSERT_BATCH).map((chunk) => ({
          org_id: doc.orgId,
          document_id: doc.id,
          ordinal: chunk.ordinal,
          heading_path: chunk.headingPath,
          heading_text: chunk.headingPath.join(' › '),
          text: chunk.text,
          token_count: chunk.tokenCount,
          page: chunk.page ?? null,
          embedding: vectorLiteral(chunk.embedding),
          embedding_model: doc.model,
          embedding_dimensions: doc.dimensions,
          tsv: searchVector(chunk.headingPath.join(' › '), chunk.text),
        })),
      )
      .execute();
  }
  return true;
}

/** The size of the `document_chunks.embedding` column (`vector(n)`), as created by the migration. */
export async function embeddingColumnDimensions(trx: Trx): Promise<number> {
  const result = await sql<{ dims: number }>`
    select atttypmod as dims from pg_attribute
    where attrelid = 'document_chunks'::regclass and attname = 'embedding'`.execute(trx);
  return result.rows[0]?.dims ?? -1;
}

export interface RankedChunk {
  id: string;
  rank: number;
  /** Cosine similarity (vector) or `ts_rank_cd` (text). */
  score: number;
}

/**
 * The full-text vector of a chunk: its heading path (weight A) and text
 * (weight B) under the `english` configuration (Snowball stems, stop words),
 * with the words of unspaced scripts spaced first ({@link spaceUnspacedWords})
 * so a Chinese, Japanese or Thai word inside a longer run is a lexeme.
 */
export function searchVector(headingText: string, text: string) {
  return sql<string>`setweight(to_tsvector('english'::regconfig, ${spaceUnspacedWords(headingText)}), 'A') ||
    setweight(to_tsvector('english'::regconfig, ${spaceUnspacedWords(text)}), 'B')`;
}

/** Top `limit` chunks by cosine distance through the HNSW index, restricted to one model and optional documents. */
export async function vectorCandidates(
  trx: Trx,
  query: { vector: readonly number[]; model: string; documentIds?: readonly string[]; limit: number },
): Promise<RankedChunk[]> {
  // The index scan keeps going past filtered-out rows (pgvector 0.8 iterative scans), so a
  // tenant or document filter still yields `limit` rows; results are re-sorted below.
  await sql`select set_config('hnsw.ef_search', ${String(Math.max(100, query.limit * 2))}, true),
    set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(trx);
  const literal = vectorLiteral(query.vector);
  let q = trx
    .selectFrom('document_chunks')
    .select(['id', sql<number>`embedding <=> ${literal}::vector`.as('distance')])
    .where('embedding_model', '=', query.model)
    .orderBy(sql`embedding <=> ${literal}::vector`)
    .limit(query.limit);
  if (query.documentIds?.length) q = q.where('document_id', 'in', [...query.documentIds]);
  const rows = await q.execute();
  return rows
    .map((row) => ({ id: row.id, distance: Number(row.distance) }))
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .map((row, i) => ({ id: row.id, rank: i + 1, score: 1 - row.distance }));
}

/**
 * Top `limit` chunks by full-text search. The query is read with
 * `websearch_to_tsquery` (quotes, `or`, `-`): chunks matching it exactly rank
 * first. A query without operators then also finds chunks matching some of
 * its terms, ranked by how many distinct terms they match (coordination
 * level), then by `ts_rank_cd` (headings weigh more than body text) — so a
 * question worded unlike the text still finds its section.
 */
export async function textCandidates(
  trx: Trx,
  query: { text: string; documentIds?: readonly string[]; limit: number },
): Promise<RankedChunk[]> {
  const plain = !/["']|(^|\s)-\S|\bor\b/i.test(query.text);
  const text = spaceUnspacedWords(query.text);
  const strict = sql`websearch_to_tsquery('english'::regconfig, ${text})`;
  const relaxed = plain ? sql`replace(${strict}::text, ' & ', ' | ')::tsquery` : strict;
  // The best RERANK_POOL matches by rank, then — for a plain query — re-ordered by the distinct query
  // terms each contains (an exact match has them all), so the term count is computed for few rows.
  let pool = trx
    .selectFrom('document_chunks')
    .select([
      'id',
      sql<string>`tsv`.as('tsv'),
      sql<number>`ts_rank_cd(tsv, ${relaxed})`.as('rank'),
      sql<boolean>`tsv @@ ${strict}`.as('exact'),
    ])
    .where(sql<boolean>`tsv @@ ${relaxed}`)
    .orderBy(sql`tsv @@ ${strict}`, 'desc')
    .orderBy(sql`ts_rank_cd(tsv, ${relaxed})`, 'desc')
    .limit(Math.max(RERANK_POOL, query.limit));
  if (query.documentIds?.length) pool = pool.where('document_id', 'in', [...query.documentIds]);
  const matched = plain
    ? sql<number>`cardinality(array(select unnest(tsvector_to_array(pool.tsv))
        intersect select unnest(tsvector_to_array(to_tsvector('english'::regconfig, ${text})))))`
    : sql<number>`cast(null as integer)`;
  const q = trx
    .selectFrom(pool.as('pool'))
    .select(['pool.id', 'pool.rank'])
    .orderBy('pool.exact', 'desc')
    .orderBy(matched, 'desc')
    .orderBy('pool.rank', 'desc')
    .orderBy('pool.id')
    .limit(query.limit);
  const rows = await q.execute();
  return rows.map((row, i) => ({ id: row.id, rank: i + 1, score: Number(row.rank) }));
}

/** Chunks by id with their document's title. */
export function chunksWithDocuments(trx: Trx, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return trx
    .selectFrom('document_chunks')
    .innerJoin('documents', 'documents.id', 'document_chunks.document_id')
    .select([
      'document_chunks.id',
      'document_chunks.document_id',
      'documents.title',
      'document_chunks.heading_path',
      'document_chunks.text',
      'document_chunks.page',
    ])
    .where('document_chunks.id', 'in', [...ids])
    .execute();
}
