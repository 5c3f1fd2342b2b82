/**
 * Re-embedding after the embedding model changes (SPEC §6): every chunk
 * records the model and size that made its vector, and vector search only
 * compares vectors of the deployment's current model — so after a change of
 * `ASSAY_EMBEDDINGS_MODEL`, or of the offline embedder's version, the older
 * chunks are found by text search only until they are embedded again. This
 * service does that in bounded batches (the `reembed-chunks` schedule),
 * document by document; a document's
 * `embedding_model` follows once none of its chunks has another one.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenant.ts';
import { vectorLiteral } from './documents.repository.ts';
import { chunkEmbeddingText, type Embedder } from './embeddings/index.ts';

/** Chunks embedded per call of {@link reembedStaleChunks} (one embedder call per `batch`). */
export const REEMBED_LIMITS = { perRun: 2_000, batch: 64 } as const;

/**
 * Embeds again up to `limits.perRun` chunks whose model is not `embedder.model`
 * and returns how many were updated and how many remain. Idempotent: a chunk
 * re-embedded twice gets the same vector; a chunk deleted meanwhile is skipped.
 * Throws what the embedder throws (the schedule retries next time).
 */
export async function reembedStaleChunks(
  db: Kysely<Database>,
  embedder: Embedder,
  limits: { perRun: number; batch: number } = REEMBED_LIMITS,
): Promise<{ reembedded: number; remaining: number }> {
  let reembedded = 0;
  while (reembedded < limits.perRun) {
    const stale = await withSystem(db, (trx) =>
      trx
        .selectFrom('document_chunks')
        .select(['id', 'document_id', 'heading_path', 'text'])
        .where('embedding_model', '<>', embedder.model)
        .orderBy('document_id')
        .orderBy('ordinal')
        .limit(Math.min(limits.batch, limits.perRun - reembedded))
        .execute(),
    );
    if (stale.length === 0) break;
    const vectors = await embedder.embed(
      stale.map((chunk) => chunkEmbeddingText(chunk.heading_path, chunk.text)),
    );
    await withSystem(db, async (trx) => {
      for (const [i, chunk] of stale.entries()) {
        await trx
          .updateTable('document_chunks')
          .set({
            embedding: vectorLiteral(vectors[i] ?? []),
            embedding_model: embedder.model,
            embedding_dimensions: embedder.dimensions,
          })
          .where('id', '=', chunk.id)
          .execute();
      }
      const documentIds = [...new Set(stale.map((chunk) => chunk.document_id))];
      await trx
        .updateTable('documents')
        .set({
          embedding_model: embedder.model,
          embedding_dimensions: embedder.dimensions,
          updated_at: sql`now()`,
        })
        .where('id', 'in', documentIds)
        .where('status', '=', 'ready')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('document_chunks as c')
                .select('c.id')
                .whereRef('c.document_id', '=', 'documents.id')
                .where('c.embedding_model', '<>', embedder.model),
            ),
          ),
        )
        .execute();
    });
    reembedded += stale.length;
  }
  const { count } = await withSystem(db, (trx) =>
    trx
      .selectFrom('document_chunks')
      .select(sql<string>`count(*)`.as('count'))
      .where('embedding_model', '<>', embedder.model)
      .executeTakeFirstOrThrow(),
  );
  return { reembedded, remaining: Number(count) };
}
