/**
 * Retrieval over an organisation's document chunks (SPEC §6): vector search
 * (pgvector cosine distance through the HNSW index), full-text search
 * (`tsvector` + GIN, `websearch_to_tsquery`), and hybrid search — reciprocal
 * rank fusion (k = 60) of the two, each over its top 50. Row-level security
 * limits every query to the tenant. `searchDocuments` is the one entry point
 * for the API, the CLI and the agent pipeline.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { ConflictError, DomainError } from '../errors.ts';
import { DocumentFailure } from './document-types.ts';
import {
  chunksWithDocuments,
  embeddingColumnDimensions,
  type RankedChunk,
  textCandidates,
  vectorCandidates,
} from './documents.repository.ts';
import type { Embedder } from './embeddings/index.ts';
/** Search modes. */
export const SEARCH_MODES = ['hybrid', 'vector', 'text'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Reciprocal rank fusion constant: a result at rank r contributes 1 / (60 + r). */
export const RRF_K = 60;
/** Candidates taken from each list before fusion. */
export const CANDIDATES = 50;

export interface SearchQuery {
  query: string;
  /** Results wanted, 1–50 (default 10). */
  limit?: number;
  /** Only chunks of these documents. */
  documentIds?: readonly string[];
  mode?: SearchMode;
}

export interface SearchResult {
  documentId: string;
  documentTitle: string;
  chunkId: string;
  headingPath: string[];
  text: string;
  page?: number;
  /** Hybrid: the fused score Σ 1/(60 + rank); vector: cosine similarity; text: `ts_rank_cd`. */
  score: number;
  /** 1-based rank of the chunk in each list it appeared in. */
  ranks: { vector?: number; text?: number };
}

/** Fuses ranked lists by reciprocal rank fusion; ties go to the better vector rank, then the id. */
export function reciprocalRankFusion(
  lists: { vector?: readonly RankedChunk[]; text?: readonly RankedChunk[] },
  k = RRF_K,
): Array<{ id: string; score: number; ranks: { vector?: number; text?: number } }> {
  const fused = new Map<string, { id: string; score: number; ranks: { vector?: number; text?: number } }>();
  for (const source of ['vector', 'text'] as const) {
    for (const item of lists[source] ?? []) {
      const entry = fused.get(item.id) ?? { id: item.id, score: 0, ranks: {} };
      entry.score += 1 / (k + item.rank);
      entry.ranks[source] = item.rank;
      fused.set(item.id, entry);
    }
  }
  return [...fused.values()].sort(
    (a, b) =>
      b.score - a.score ||
      (a.ranks.vector ?? Number.MAX_SAFE_INTEGER) - (b.ranks.vector ?? Number.MAX_SAFE_INTEGER) ||
      a.id.localeCompare(b.id),
  );
}

async function embedQuery(embedder: Embedder, query: string): Promise<number[]> {
  try {
    const [vector] = await embedder.embed([query]);
    if (!vector) throw new DocumentFailure('embedding_failed', 'The embedder returned no vector');
    return vector;
  } catch (error) {
    if (error instanceof DocumentFailure) {
      throw new DomainError('embeddings_unavailable', `The query could not be embedded: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Searches `orgId`'s ready documents. Vector search compares only vectors of
 * the embedder's model; an embedder whose size differs from the database
 * column is refused (409 `embedding_dimensions_mismatch`), and an embeddings
 * API that fails makes a 502 `embeddings_unavailable` (text mode needs none).
 */
export async function searchDocuments(
  deps: { db: Kysely<Database>; embedder: Embedder },
  orgId: string,
  search: SearchQuery,
): Promise<{ results: SearchResult[] }> {
  const mode = search.mode ?? 'hybrid';
  const limit = Math.min(Math.max(search.limit ?? 10, 1), CANDIDATES);
  const query = search.query.trim();
  const vector = mode === 'text' ? undefined : await embedQuery(deps.embedder, query);
  return withTenant(deps.db, orgId, async (trx) => {
    const lists: { vector?: RankedChunk[]; text?: RankedChunk[] } = {};
    if (vector) {
      const columnDimensions = await embeddingColumnDimensions(trx);
      if (vector.length !== columnDimensions) {
        throw new ConflictError(
          `The embedder makes ${vector.length}-dimensional vectors but the database stores ${columnDimensions}`,
          'embedding_dimensions_mismatch',
        );
      }
      lists.vector = await vectorCandidates(trx, {
        vector,
        model: deps.embedder.model,
        ...(search.documentIds ? { documentIds: search.documentIds } : {}),
        limit: CANDIDATES,
      });
    }
    if (mode !== 'vector') {
      lists.text = await textCandidates(trx, {
        text: query,
        ...(search.documentIds ? { documentIds: search.documentIds } : {}),
        limit: CANDIDATES,
      });
    }
    const ranked =
      mode === 'hybrid'
        ? reciprocalRankFusion(lists)
        : (lists[mode] ?? []).map((item) => ({
            id: item.id,
            score: item.score,
            ranks: { [mode]: item.rank },
          }));
    const top = ranked.slice(0, limit);
    const rows = new Map(
      (
        await chunksWithDocuments(
          trx,
          top.map((r) => r.id),
        )
      ).map((row) => [row.id, row]),
    );
    return {
      results: top.flatMap((item) => {
        const row = rows.get(item.id);
        if (!row) return [];
        return [
          {
            documentId: row.document_id,
            documentTitle: row.title,
            chunkId: row.id,
            headingPath: row.heading_path,
            text: row.text,
            ...(row.page === null ? {} : { page: row.page }),
            score: item.score,
            ranks: item.ranks,
          },
        ];
      }),
    };
  });
}
