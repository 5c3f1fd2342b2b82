/**
 * The deployment's embedder, from configuration: the OpenAI embeddings API
 * when an endpoint or key is configured, the offline embedder otherwise.
 *
 * @module
 */
import { getAppSecret, optionalOpenAiKey } from '../../adapters/app-secrets.ts';
import type { Config } from '../../config.ts';
import type { Embedder } from './embedder.ts';
import { createOfflineEmbedder } from './offline-embedder.ts';
import { createOpenAiEmbedder } from './openai-embedder.ts';

export { chunkEmbeddingText, type Embedder } from './embedder.ts';
export { createOfflineEmbedder, OFFLINE_EMBEDDING_MODEL } from './offline-embedder.ts';
export { createOpenAiEmbedder } from './openai-embedder.ts';

/**
 * The embedder this deployment uses. Endpoint: `ASSAY_EMBEDDINGS_BASE_URL`,
 * else `ASSAY_OPENAI_BASE_URL`; key: `ASSAY_EMBEDDINGS_API_KEY`, else the
 * `openai` secret (AWS) or `ASSAY_OPENAI_API_KEY`; model
 * `ASSAY_EMBEDDINGS_MODEL` (default `text-embedding-3-small`); size
 * `ASSAY_EMBEDDING_DIMENSIONS`. With neither endpoint nor key: the offline
 * embedder. A secret that cannot be read (other than "not set") is thrown.
 */
export async function createConfiguredEmbedder(
  config: Config,
  readSecret: (name: 'openai') => Promise<string> = getAppSecret,
): Promise<Embedder> {
  const dimensions = config.ASSAY_EMBEDDING_DIMENSIONS;
  const baseUrl = config.ASSAY_EMBEDDINGS_BASE_URL ?? config.ASSAY_OPENAI_BASE_URL;
  const apiKey = config.ASSAY_EMBEDDINGS_API_KEY ?? (await optionalOpenAiKey(config, readSecret));
  if (!baseUrl && !apiKey) return createOfflineEmbedder(dimensions);
  return createOpenAiEmbedder({
    ...(baseUrl ? { baseUrl } : {}),
    apiKey: apiKey ?? 'no-key',
    model: config.ASSAY_EMBEDDINGS_MODEL,
    dimensions,
  });
}

let cached: Promise<Embedder> | undefined;

/** The process-wide {@link createConfiguredEmbedder}, made once (again after a failure). */
export function getConfiguredEmbedder(config: Config): Promise<Embedder> {
  cached ??= createConfiguredEmbedder(config).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
