import { z } from 'zod';
import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getConfiguredEmbedder } from '../../shared/documents/embeddings/index.ts';
import { isolatedExtractor } from '../../shared/documents/parse/isolated.ts';
import {
  documentObjectRecordSchema,
  handleDocumentObject,
} from '../../shared/documents/processing.service.ts';
import { getLogger } from '../../shared/logger.ts';
import { queueHandler } from '../kit/queue-handler.ts';

// Built on first use, not at import: the bundle also starts the isolated parser, which has no configuration.
let deps: ReturnType<typeof build> | undefined;
function build() {
  const config = getConfig();
  return {
    config,
    objects: createObjectStore(config),
    limits: {
      maxBytes: config.ASSAY_DOCUMENT_MAX_BYTES,
      maxCsvRows: config.ASSAY_DOCUMENT_MAX_CSV_ROWS,
      maxPages: config.ASSAY_DOCUMENT_MAX_PAGES,
      maxTextChars: config.ASSAY_DOCUMENT_MAX_TEXT_CHARS,
    },
    extract: isolatedExtractor({
      memoryMb: config.ASSAY_DOCUMENT_PARSE_MEMORY_MB,
      timeoutMs: config.ASSAY_DOCUMENT_PARSE_TIMEOUT_SECONDS * 1000,
    }),
  };
}

export const handler = queueHandler(
  z.object({ Records: z.array(documentObjectRecordSchema) }),
  async (event) => {
    deps ??= build();
    const { config, objects, limits, extract } = deps;
    const db = await getDb();
    const embedder = await getConfiguredEmbedder(config);
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated')) continue;
      const outcome = await handleDocumentObject(
        {
          db,
          embedder,
          limits,
          extract,
          openObject: (key) => objects.openStream(key),
          deleteObject: (key) => objects.delete(key),
          log: (message, attributes) => getLogger().warn(message, attributes),
        },
        record,
      );
      getLogger().info('Document handled', { ...outcome });
    }
  },
);
