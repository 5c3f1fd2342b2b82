/**
 * Retrieval for the analyst: hybrid search (pgvector + full text, fused by
 * reciprocal rank) once per query, merged into one list of chunks.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Embedder } from '../documents/embeddings/index.ts';
import { searchDocuments } from '../documents/search.service.ts';
import type { RetrievedChunk } from './agents.types.ts';

/**
 * Runs `queries` through `searchDocuments` (mode `hybrid`, `limit` results
 * each, optionally restricted to `documentIds`) in the organisation's tenant,
 * and returns each chunk once — with its best fused score — best first.
 *
 * @returns chunks sorted by descending `score`; empty when nothing matched.
 * @throws what `searchDocuments` throws (database or embedder errors).
 */
export async function searchChunks(
  deps: { readonly db: Kysely<Database>; readonly embedder: Embedder },
  orgId: string,
  queries: readonly string[],
  options: { readonly limit: number; readonly documentIds?: readonly string[] },
): Promise<RetrievedChunk[]> {
  const found = new Map<string, RetrievedChunk>();
  for (const query of queries) {
    const { results } = await searchDocuments(deps, orgId, {
      query,
      mode: 'hybrid',
      limit: options.limit,
      ...(options.documentIds ? { documentIds: options.documentIds } : {}),
    });
    for (const r of results) {
      const seen = found.get(r.chunkId);
      if (!seen || seen.score < r.score)
        found.set(r.chunkId, {
          documentId: r.documentId,
          chunkId: r.chunkId,
          documentName: r.documentTitle,
          headings: r.headingPath,
          text: r.text,
          score: r.score,
        });
    }
  }
  return [...found.values()].sort((a, b) => b.score - a.score);
}
