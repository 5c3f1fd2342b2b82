import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../shared/db/tenant.ts';
import { createOfflineEmbedder } from '../../../shared/documents/embeddings/index.ts';
import { searchDocuments } from '../../../shared/documents/search.service.ts';
import {
  ingestEvalDocuments,
  ingestMarkdownDocuments,
  recallAtK,
} from '../../support/documents/retrieval-eval.ts';
import { seedOrg } from '../../support/identity.ts';
import { startTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let database: TestDatabase;
let orgId = '';
let filenames: Map<string, string>;
const embedder = createOfflineEmbedder(384);

beforeAll(async () => {
  database = await startTestDatabase();
  orgId = await seedOrg(database.db, 'eval');
  filenames = await ingestEvalDocuments(database.db, orgId, embedder);
});

afterAll(async () => {
  await database?.stop();
});

describe('retrieval quality on the evaluation set (offline embedder)', () => {
  it('hybrid recall@5 is at least 0.9 and at least each single mode', async () => {
    const recall = await recallAtK(database.db, orgId, embedder, filenames);
    expect(recall.hybrid.all).toBeGreaterThanOrEqual(0.9);
    expect(recall.hybrid.all).toBeGreaterThanOrEqual(recall.vector.all);
    expect(recall.hybrid.all).toBeGreaterThanOrEqual(recall.text.all);
  });
});

describe('text search in scripts written without spaces', () => {
  it('finds a Chinese, Japanese or Thai word inside a longer run, and ranks the matching chunk first', async () => {
    const names = await ingestMarkdownDocuments(database.db, orgId, embedder, [
      {
        filename: 'cjk.md',
        markdown:
          '# 购物车\n\n购物车页面显示订单合计金额和运费，用户可以修改数量。\n\n' +
          '# 配送\n\n订单在两个工作日内发货，快递公司提供跟踪号码。\n\n' +
          '# カート\n\nカートに商品の合計が表示される。\n\n' +
          '# ตะกร้า\n\nตะกร้าสินค้าแสดงยอดรวมและค่าจัดส่ง\n',
      },
    ]);
    const id = [...names.keys()][0];
    for (const [query, heading] of [
      ['合计', '购物车'],
      ['跟踪', '配送'],
      ['合計', 'カート'],
      ['ยอดรวม', 'ตะกร้า'],
    ] as const) {
      for (const mode of ['text', 'hybrid'] as const) {
        const { results } = await searchDocuments({ db: database.db, embedder }, orgId, {
          query,
          mode,
          documentIds: [id as string],
        });
        expect(results[0]?.headingPath.at(-1), `${mode}: ${query}`).toBe(heading);
      }
    }
  });
});

describe('the vector query is served by the HNSW index', () => {
  it('EXPLAIN shows an index scan on document_chunks_embedding_idx', async () => {
    const [vector] = await embedder.embed(['password reset link']);
    const literal = `[${vector?.join(',')}]`;
    const plan = await withTenant(database.db, orgId, async (trx) => {
      // The table is tiny, so the planner would rather sort it; forbid sorting to see the index serves the
      // order (the benchmark shows the planner choosing it unforced at 10,000 chunks).
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_sort = off`.execute(trx);
      const rows = await sql<{ 'QUERY PLAN': string }>`explain select id from document_chunks
        where embedding_model = ${embedder.model}
        order by embedding <=> ${literal}::vector limit 50`.execute(trx);
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using document_chunks_embedding_idx/);
  });
});
