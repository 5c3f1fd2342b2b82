/**
 * Embeddings through the OpenAI embeddings API (`POST /embeddings`) with the
 * `openai` SDK, against api.openai.com or any OpenAI-compatible endpoint. The
 * `dimensions` parameter fixes the vector size to the deployment's column;
 * texts go in batches; the SDK retries connection errors, 408, 409, 429 and
 * 5xx with exponential backoff (honouring `Retry-After`). The answer is
 * validated: one vector per text, each of the right size.
 *
 * @module
 */
import OpenAI from 'openai';
import { z } from 'zod';
import { DocumentFailure } from '../document-types.ts';
import type { Embedder } from './embedder.ts';

export interface OpenAiEmbedderOptions {
  baseUrl?: string;
  apiKey: string;
  model: string;
  dimensions: number;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** SDK retries per request (default 4). */
  maxRetries?: number;
  /** Per request, ms (default 60 s). */
  timeoutMs?: number;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

/** An {@link Embedder} over the OpenAI embeddings API. */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? 'https://api.openai.com/v1',
    organization: null,
    project: null,
    maxRetries: options.maxRetries ?? 4,
    timeout: options.timeoutMs ?? 60_000,
  });
  const batchSize = options.batchSize ?? 64;
  const { model, dimensions } = options;
  return {
    model,
    dimensions,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize);
        let raw: unknown;
        try {
          raw = await client.embeddings.create({
            model,
            input: [...batch],
            dimensions,
            encoding_format: 'float',
          });
        } catch (error) {
          const status = error instanceof OpenAI.APIError ? ` (HTTP ${error.status ?? 'no response'})` : '';
          throw new DocumentFailure(
            'embedding_failed',
            `The embeddings API failed${status}: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        const parsed = responseSchema.safeParse(raw);
        if (!parsed.success || parsed.data.data.length !== batch.length) {
          throw new DocumentFailure(
            'embedding_failed',
            `The embeddings API answered ${parsed.success ? `${parsed.data.data.length} vectors for ${batch.length} texts` : 'in an unexpected shape'}`,
          );
        }
        const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index);
        for (const item of ordered) {
          if (item.embedding.length !== dimensions) {
            throw new DocumentFailure(
              'embedding_failed',
              `Model ${model} returned ${item.embedding.length} dimensions; this deployment stores ${dimensions} (ASSAY_EMBEDDING_DIMENSIONS)`,
            );
          }
          vectors.push(item.embedding);
        }
      }
      return vectors;
    },
  };
}
