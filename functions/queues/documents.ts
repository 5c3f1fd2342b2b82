import { z } from 'zod';
import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getConfiguredEmbedder } from '../../shared/documents/embeddings/index.ts';
import {
  documentObjectRecordSchema,
  handleDocumentObject,
} from '../../shared/documents/processing.service.ts';
import { getLogger } from '../../shared/logger.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const objects = createObjectStore(config);
const limits = { maxBytes: config.ASSAY_DOCUMENT_MAX_BYTES, maxCsvRows: config.ASSAY_DOCUMENT_MAX_CSV_ROWS };

export const handler = queueHandler(
  z.object({ Records: z.array(documentObjectRecordSchema) }),
  async (event) => {
    const db = await getDb();
    const embedder = await getConfiguredEmbedder(config);
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated')) continue;
      const outcome = await handleDocumentObject(
        {
          db,
          embedder,
          limits,
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
