import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config.ts';
import { withTenant } from '../../../shared/db/tenant.ts';
import { DocumentFailure } from '../../../shared/documents/document-types.ts';
import {
  createConfiguredEmbedder,
  createOfflineEmbedder,
  createOpenAiEmbedder,
  type Embedder,
} from '../../../shared/documents/embeddings/index.ts';
import {
  hashEmbedding,
  OFFLINE_EMBEDDING_MODEL,
} from '../../../shared/documents/embeddings/offline-embedder.ts';
import { processDocument } from '../../../shared/documents/processing.service.ts';
import { reembedStaleChunks } from '../../../shared/documents/reembed.service.ts';
import { searchDocuments } from '../../../shared/documents/search.service.ts';
import { FakeEmbeddingsServer } from '../../support/fake-openai/embeddings-server.ts';
import { seedOrg } from '../../support/identity.ts';
import { startTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let fake: FakeEmbeddingsServer;
let database: TestDatabase;
let orgId = '';

const openAi = (options: Partial<Parameters<typeof createOpenAiEmbedder>[0]> = {}) =>
  createOpenAiEmbedder({
    baseUrl: fake.baseUrl,
    apiKey: fake.apiKey,
    model: 'text-embedding-3-small',
    dimensions: 384,
    maxRetries: 2,
    ...options,
  });

beforeAll(async () => {
  fake = await new FakeEmbeddingsServer().start();
  database = await startTestDatabase();
  orgId = await seedOrg(database.db, 'embedco');
});

afterAll(async () => {
  await fake?.stop();
  await database?.stop();
});

async function newDocument(markdown: string): Promise<{ id: string; bytes: Buffer }> {
  const id = randomUUID();
  const bytes = Buffer.from(markdown);
  await withTenant(database.db, orgId, (trx) =>
    trx
      .insertInto('documents')
      .values({
        id,
        org_id: orgId,
        title: 't',
        filename: 't.md',
        content_type: 'text/markdown',
        kind: 'markdown',
        bytes: bytes.length,
      })
      .execute(),
  );
  return { id, bytes };
}

const ingest = (embedder: Embedder, doc: { id: string; bytes: Buffer }) =>
  processDocument(
    { db: database.db, embedder, limits: { maxBytes: 1_000_000, maxCsvRows: 100 } },
    { id: doc.id, orgId, kind: 'markdown' },
    async () => Readable.from([doc.bytes]),
    doc.bytes.length,
  );

describe('OpenAI embeddings API', () => {
  it('sends batches with the model, the dimensions parameter and float encoding, and keeps the input order', async () => {
    fake.requests.length = 0;
    const texts = Array.from({ length: 5 }, (_, i) => `requirement number ${i}`);
    const vectors = await openAi({ batchSize: 2 }).embed(texts);
    expect(fake.requests.map((r) => r.input.length)).toEqual([2, 2, 1]);
    expect(
      fake.requests.every(
        (r) => r.model === 'text-embedding-3-small' && r.dimensions === 384 && r.encodingFormat === 'float',
      ),
    ).toBe(true);
    // The double answers in reverse order; the client sorts by index.
    expect(vectors[3]?.slice(0, 5)).toEqual(hashEmbedding('requirement number 3', 384).slice(0, 5));
  });

  it('retries 429 and 5xx, then succeeds', async () => {
    fake.requests.length = 0;
    fake.script.push({ status: 429 }, { status: 503 });
    const [vector] = await openAi().embed(['retry me']);
    expect(vector).toHaveLength(384);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it('fails as embedding_failed when the API keeps failing or answers the wrong size', async () => {
    fake.script.push({ status: 500 }, { status: 500 }, { status: 500 });
    const failed = await openAi()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DocumentFailure);
    expect(failed).toMatchObject({
      reason: 'embedding_failed',
      message: expect.stringContaining('HTTP 500'),
    });
    fake.script.push({ wrongDimensions: 1536 });
    const wrong = await openAi()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({
      reason: 'embedding_failed',
      message: expect.stringContaining('1536 dimensions'),
    });
  });

  it('processes a document with the API model stored per chunk; a failing API fails only that document', async () => {
    const good = await newDocument('# Billing\n\nInvoices are sent monthly.\n');
    expect(await ingest(openAi(), good)).toMatchObject({ status: 'ready', chunks: 1 });
    const models = await withTenant(database.db, orgId, (trx) =>
      trx
        .selectFrom('document_chunks')
        .select(['embedding_model', 'embedding_dimensions'])
        .where('document_id', '=', good.id)
        .execute(),
    );
    expect(models).toEqual([{ embedding_model: 'text-embedding-3-small', embedding_dimensions: 384 }]);

    fake.script.push({ status: 500 }, { status: 500 }, { status: 500 });
    const bad = await newDocument('# Other\n\nText.\n');
    expect(await ingest(openAi(), bad)).toMatchObject({ status: 'failed', reason: 'embedding_failed' });
    const statuses = await withTenant(database.db, orgId, (trx) =>
      trx
        .selectFrom('documents')
        .select(['id', 'status'])
        .where('id', 'in', [good.id, bad.id])
        .orderBy('status')
        .execute(),
    );
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'ready']);

    // Search compares vectors of one model only: the offline embedder does not see the API's vectors.
    const offline = await searchDocuments({ db: database.db, embedder: createOfflineEmbedder(384) }, orgId, {
      query: 'monthly invoices',
      mode: 'vector',
    });
    expect(offline.results).toEqual([]);
    const api = await searchDocuments({ db: database.db, embedder: openAi() }, orgId, {
      query: 'monthly invoices',
      mode: 'vector',
    });
    expect(api.results.map((r) => r.documentId)).toEqual([good.id]);
  });

  it('refuses an embedder whose size differs from the column', async () => {
    const doc = await newDocument('# A\n\nB.\n');
    expect(await ingest(createOfflineEmbedder(256), doc)).toMatchObject({
      status: 'failed',
      reason: 'embedding_failed',
      message: expect.stringContaining('256'),
    });
    await expect(
      searchDocuments({ db: database.db, embedder: createOfflineEmbedder(256) }, orgId, { query: 'x' }),
    ).rejects.toMatchObject({ code: 'embedding_dimensions_mismatch' });
  });

  it('is chosen by configuration: the API with a base URL or key, the offline embedder otherwise', async () => {
    const offline = await createConfiguredEmbedder(loadConfig({}));
    expect(offline).toMatchObject({ model: OFFLINE_EMBEDDING_MODEL, dimensions: 384 });
    const configured = await createConfiguredEmbedder(
      loadConfig({
        ASSAY_EMBEDDINGS_BASE_URL: fake.baseUrl,
        ASSAY_EMBEDDINGS_API_KEY: fake.apiKey,
        ASSAY_EMBEDDINGS_MODEL: 'my-embedder',
      }),
    );
    expect(configured).toMatchObject({ model: 'my-embedder', dimensions: 384 });
    fake.requests.length = 0;
    await configured.embed(['hello']);
    expect(fake.requests[0]).toMatchObject({ authorized: true, model: 'my-embedder', dimensions: 384 });
  });
});

describe('re-embedding after a model change', () => {
  it('embeds the chunks of another model again in bounded batches, once, so vector search finds them', async () => {
    const doc = await newDocument(
      '# Refunds\n\nA refund reaches the card within five days.\n\n## Vouchers\n\nVouchers never expire.\n',
    );
    expect(await ingest(createOfflineEmbedder(384), doc)).toMatchObject({ status: 'ready' });
    const api = openAi({ model: 'reembed-model' });
    const before = await searchDocuments({ db: database.db, embedder: api }, orgId, {
      query: 'refund card',
      mode: 'vector',
    });
    expect(before.results.map((r) => r.documentId)).not.toContain(doc.id);

    const first = await reembedStaleChunks(database.db, api, { perRun: 1, batch: 1 });
    expect(first.reembedded).toBe(1);
    expect(first.remaining).toBeGreaterThan(0);
    const rest = await reembedStaleChunks(database.db, api);
    expect(rest.remaining).toBe(0);
    expect(await reembedStaleChunks(database.db, api)).toEqual({ reembedded: 0, remaining: 0 });

    const after = await searchDocuments({ db: database.db, embedder: api }, orgId, {
      query: 'refund card',
      mode: 'vector',
    });
    expect(after.results.map((r) => r.documentId)).toContain(doc.id);
    const row = await withTenant(database.db, orgId, (trx) =>
      trx
        .selectFrom('documents')
        .select(['embedding_model'])
        .where('id', '=', doc.id)
        .executeTakeFirstOrThrow(),
    );
    expect(row.embedding_model).toBe('reembed-model');
  });
});
