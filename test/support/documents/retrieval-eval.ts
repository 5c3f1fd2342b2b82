import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../../shared/db/database.ts';
import { withTenant } from '../../../shared/db/tenant.ts';
import type { Embedder } from '../../../shared/documents/embeddings/index.ts';
import { processDocument } from '../../../shared/documents/processing.service.ts';
import { type SearchMode, searchDocuments } from '../../../shared/documents/search.service.ts';
import {
  EVAL_DOCUMENTS,
  EVAL_QUESTIONS,
  type EvalQuestion,
} from '../../fixtures/documents/retrieval-eval.ts';

/** Stores Markdown documents for `orgId` through the real processing path; returns id → filename. */
export async function ingestMarkdownDocuments(
  db: Kysely<Database>,
  orgId: string,
  embedder: Embedder,
  documents: readonly { filename: string; markdown: string }[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const doc of documents) {
    const id = randomUUID();
    const bytes = Buffer.from(doc.markdown);
    await withTenant(db, orgId, (trx) =>
      trx
        .insertInto('documents')
        .values({
          id,
          org_id: orgId,
          title: doc.filename,
          filename: doc.filename,
          content_type: 'text/markdown',
          kind: 'markdown',
          bytes: bytes.length,
        })
        .execute(),
    );
    const outcome = await processDocument(
      { db, embedder, limits: { maxBytes: 1_000_000, maxCsvRows: 1000 } },
      { id, orgId, kind: 'markdown' },
      async () => Readable.from([bytes]),
      bytes.length,
    );
    if (outcome.status !== 'ready') throw new Error(`${doc.filename}: ${JSON.stringify(outcome)}`);
    ids.set(id, doc.filename);
  }
  return ids;
}

/** Stores the evaluation documents for `orgId` through the real processing path; returns id → filename. */
export function ingestEvalDocuments(
  db: Kysely<Database>,
  orgId: string,
  embedder: Embedder,
): Promise<Map<string, string>> {
  return ingestMarkdownDocuments(db, orgId, embedder, EVAL_DOCUMENTS);
}

export interface Recall {
  literal: number;
  reworded: number;
  all: number;
  /** Mean reciprocal rank of the answer's section (0 when it is not in the top k). */
  mrr: number;
}

/** A set of documents and the questions asked of them (`reworded` = the paraphrase half). */
export interface EvalSet {
  documents: readonly { filename: string; markdown: string }[];
  questions: readonly EvalQuestion[];
}

/**
 * recall@k and MRR@k of each search mode over the questions of `set` (default: the tuning set); a hit is the
 * answer's section (document and last heading) among the top k.
 */
export async function recallAtK(
  db: Kysely<Database>,
  orgId: string,
  embedder: Embedder,
  filenames: Map<string, string>,
  k = 5,
  questions: readonly EvalQuestion[] = EVAL_QUESTIONS,
): Promise<Record<SearchMode, Recall>> {
  const result = {} as Record<SearchMode, Recall>;
  for (const mode of ['hybrid', 'vector', 'text'] as const) {
    const hits = { literal: 0, reworded: 0 };
    let reciprocal = 0;
    for (const question of questions) {
      const { results } = await searchDocuments({ db, embedder }, orgId, {
        query: question.question,
        mode,
        limit: k,
      });
      const at = results.findIndex(
        (r) => filenames.get(r.documentId) === question.filename && r.headingPath.at(-1) === question.heading,
      );
      if (at >= 0) {
        hits[question.style]++;
        reciprocal += 1 / (at + 1);
      }
    }
    const count = (style: 'literal' | 'reworded') => questions.filter((q) => q.style === style).length;
    result[mode] = {
      literal: hits.literal / count('literal'),
      reworded: hits.reworded / count('reworded'),
      all: (hits.literal + hits.reworded) / questions.length,
      mrr: reciprocal / questions.length,
    };
  }
  return result;
}
