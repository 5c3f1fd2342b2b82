import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getConfiguredEmbedder } from '../../shared/documents/embeddings/index.ts';
import { reembedStaleChunks } from '../../shared/documents/reembed.service.ts';
import { getLogger } from '../../shared/logger.ts';

const config = getConfig();

/**
 * EventBridge schedule (every `ASSAY_REEMBED_EVERY_MINUTES`): document chunks
 * embedded by another model than the deployment's are embedded again, a
 * bounded batch per run, so vector search finds them after a model change.
 */
export const handler = async (): Promise<{ reembedded: number; remaining: number }> => {
  const result = await reembedStaleChunks(await getDb(), await getConfiguredEmbedder(config));
  if (result.reembedded > 0) getLogger().info('Re-embedded document chunks', result);
  return result;
};
