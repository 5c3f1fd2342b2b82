import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getConfiguredEmbedder } from '../../shared/documents/embeddings/index.ts';
import { searchDocuments } from '../../shared/documents/search.service.ts';
import { postSearch } from '../contracts/documents.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();

export const handler = httpHandler(postSearch, async ({ body }, { access }) =>
  searchDocuments({ db: await getDb(), embedder: await getConfiguredEmbedder(config) }, access!.orgId, body),
);
