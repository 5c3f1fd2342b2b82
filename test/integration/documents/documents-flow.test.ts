import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLocalMessages, sendLocalMessage } from '../../../shared/adapters/local-queue-store.ts';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { withTenant } from '../../../shared/db/tenant.ts';
import { OFFLINE_EMBEDDING_MODEL } from '../../../shared/documents/embeddings/index.ts';
import { callApi } from '../../support/api-client.ts';
import { buildDocx, tableXml } from '../../support/documents/docx-builder.ts';
import { buildPdf } from '../../support/documents/pdf-builder.ts';
import { uploadDocument, waitForDocument } from '../../support/documents/upload.ts';
import {
  auditEventsOf,
  type SeededOrg,
  seedOrgWithMembers,
  TEST_SESSION_SECRET,
} from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;
let acme: SeededOrg;
let globex: SeededOrg;

const SPEC = `# Checkout specification

## Coupons

- An unknown coupon code shows the error "Coupon not found".
- An expired coupon is refused with its expiry date.

## Payment

Card payments are authorised before the order is placed. A declined card keeps the cart intact.

## Shipping

Orders above 50 EUR ship for free within the European Union.
`;

/** Waits until the documents queue has nothing visible or in flight (its poller runs on its own). */
async function documentsQueueIdle(): Promise<void> {
  // Each document is parsed in a process of its own: on a loaded machine a queue of them takes a while.
  for (let i = 0; i < 1200; i++) {
    const counts = await countLocalMessages(runtime.db, 'documents');
    if (counts.visible === 0 && counts.inFlight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('documents queue did not drain');
}

const api = (token: string, method: string, path: string, body?: unknown) =>
  callApi(runtime.url, token, method, path, body);

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_DOCUMENT_MAX_CSV_ROWS = '50';
  process.env.ASSAY_DOCUMENT_MAX_BYTES = String(2 * 1024 * 1024);
  process.env.ASSAY_DOCUMENT_MAX_TEXT_CHARS = '200000';
  process.env.ASSAY_DOCUMENT_MAX_PAGES = '20';
  runtime = await startTestRuntime();
  acme = await seedOrgWithMembers(runtime.db, 'acme', {
    owner: 'owner',
    admin: 'admin',
    member: 'member',
    viewer: 'viewer',
  });
  globex = await seedOrgWithMembers(runtime.db, 'globex', { member: 'member' });
});

afterAll(async () => {
  await runtime?.dispose();
  delete process.env.ASSAY_DOCUMENT_MAX_CSV_ROWS;
  delete process.env.ASSAY_DOCUMENT_MAX_BYTES;
  delete process.env.ASSAY_DOCUMENT_MAX_TEXT_CHARS;
  delete process.env.ASSAY_DOCUMENT_MAX_PAGES;
});

describe('upload → parse → chunk → embed → search', () => {
  let documentId = '';

  it('issues a presigned PUT under orgs/{org}/documents/{id}/ and processes the object to ready', async () => {
    const before = Date.now();
    const created = await api(acme.as.member as string, 'POST', '/orgs/acme/documents', {
      filename: 'checkout.md',
      contentType: 'text/markdown',
      bytes: Buffer.byteLength(SPEC),
    });
    expect(created.status).toBe(201);
    const { document, upload } = created.body;
    expect(document).toMatchObject({
      title: 'checkout',
      filename: 'checkout.md',
      kind: 'markdown',
      status: 'pending',
      chunkCount: 0,
    });
    expect(upload.method).toBe('PUT');
    expect(upload.headers).toEqual({ 'content-type': 'text/markdown', 'if-none-match': '*' });
    const url = new URL(upload.url);
    expect(url.pathname).toBe(`/${getConfig().ASSAY_S3_BUCKET}/orgs/acme/documents/${document.id}/original`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host;if-none-match',
    );
    const expiresAt = Date.parse(upload.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1000);

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: SPEC });
    expect(put.status).toBe(200);
    const ready = await waitForDocument(runtime.url, acme.as.viewer as string, 'acme', document.id);
    expect(ready).toMatchObject({
      status: 'ready',
      chunkCount: 3,
      bytes: Buffer.byteLength(SPEC),
      embeddingModel: OFFLINE_EMBEDDING_MODEL,
    });
    expect(Date.parse(ready.readyAt as string)).toBeGreaterThanOrEqual(Date.parse(ready.createdAt as string));
    documentId = document.id;
    expect((await auditEventsOf(runtime.db, acme.id, 'document.created')).map((e) => e.target_id)).toContain(
      document.id,
    );
  });

  it('lists documents and their chunks with heading paths, paginated', async () => {
    const list = await api(acme.as.viewer as string, 'GET', '/orgs/acme/documents?status=ready');
    expect(list.status).toBe(200);
    expect(list.body.documents.map((d: { id: string }) => d.id)).toContain(documentId);
    expect(
      (await api(acme.as.viewer as string, 'GET', '/orgs/acme/documents?status=failed')).body.documents,
    ).toEqual([]);

    const first = await api(
      acme.as.viewer as string,
      'GET',
      `/orgs/acme/documents/${documentId}/chunks?limit=2`,
    );
    expect(first.status).toBe(200);
    expect(first.body.chunks.map((c: { headingPath: string[] }) => c.headingPath)).toEqual([
      ['Checkout specification', 'Coupons'],
      ['Checkout specification', 'Payment'],
    ]);
    expect(first.body.chunks[0]).toMatchObject({
      ordinal: 0,
      headingPath: ['Checkout specification', 'Coupons'],
    });
    expect(first.body.chunks[0].text).toContain('Coupon not found');
    expect(first.body.chunks[0].text).toContain('expired coupon');
    expect(first.body.chunks[0].tokenCount).toBeGreaterThan(10);
    const rest = await api(
      acme.as.viewer as string,
      'GET',
      `/orgs/acme/documents/${documentId}/chunks?cursor=${first.body.nextCursor}`,
    );
    expect([...first.body.chunks, ...rest.body.chunks].map((c: { ordinal: number }) => c.ordinal)).toEqual([
      0, 1, 2,
    ]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('finds the right chunk in hybrid, vector and text modes, with the ranks of each list', async () => {
    for (const mode of ['hybrid', 'vector', 'text'] as const) {
      const res = await api(acme.as.viewer as string, 'POST', '/orgs/acme/search', {
        query: 'Is shipping free for orders over 50 EUR?',
        mode,
        limit: 2,
      });
      expect(res.status).toBe(200);
      expect(res.body.results.length).toBeGreaterThan(0);
      expect(res.body.results.length).toBeLessThanOrEqual(2);
      const [top] = res.body.results;
      expect(top).toMatchObject({
        documentId,
        documentTitle: 'checkout',
        headingPath: ['Checkout specification', 'Shipping'],
      });
      if (mode === 'hybrid') expect(top.ranks).toEqual({ vector: 1, text: 1 });
      else expect(Object.keys(top.ranks)).toEqual([mode]);
    }
    const hybrid = await api(acme.as.viewer as string, 'POST', '/orgs/acme/search', {
      query: 'declined card',
    });
    expect(hybrid.body.results[0].score).toBeCloseTo(2 / 61);
  });

  it('keeps tenants apart: another organisation neither reads nor finds the document', async () => {
    const asGlobex = globex.as.member as string;
    expect((await api(asGlobex, 'GET', `/orgs/globex/documents/${documentId}`)).status).toBe(404);
    expect((await api(asGlobex, 'GET', `/orgs/globex/documents/${documentId}/chunks`)).status).toBe(404);
    expect((await api(asGlobex, 'GET', `/orgs/acme/documents/${documentId}`)).status).toBe(404);
    for (const mode of ['hybrid', 'vector', 'text']) {
      const res = await api(asGlobex, 'POST', '/orgs/globex/search', {
        query: 'coupon shipping payment',
        mode,
        documentIds: [documentId],
      });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([]);
    }
  });

  it('changes nothing when the same S3 event is delivered again', async () => {
    const chunkIds = async () =>
      withTenant(runtime.db, acme.id, (trx) =>
        trx
          .selectFrom('document_chunks')
          .select('id')
          .where('document_id', '=', documentId)
          .orderBy('ordinal')
          .execute(),
      );
    const before = await chunkIds();
    const record = {
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: getConfig().ASSAY_S3_BUCKET },
        object: { key: `orgs/acme/documents/${documentId}/original`, size: Buffer.byteLength(SPEC) },
      },
    };
    await sendLocalMessage(runtime.db, 'documents', JSON.stringify({ Records: [record] }));
    await documentsQueueIdle();
    expect(await chunkIds()).toEqual(before);
    expect(
      (await api(acme.as.viewer as string, 'GET', `/orgs/acme/documents/${documentId}`)).body.status,
    ).toBe('ready');
  });

  it('lets an admin (not a member) delete a document: chunks, object and row go, audited', async () => {
    expect((await api(acme.as.member as string, 'DELETE', `/orgs/acme/documents/${documentId}`)).status).toBe(
      403,
    );
    expect((await api(acme.as.admin as string, 'DELETE', `/orgs/acme/documents/${documentId}`)).status).toBe(
      204,
    );
    expect((await api(acme.as.admin as string, 'GET', `/orgs/acme/documents/${documentId}`)).status).toBe(
      404,
    );
    expect((await api(acme.as.admin as string, 'DELETE', `/orgs/acme/documents/${documentId}`)).status).toBe(
      404,
    );
    const left = await withTenant(runtime.db, acme.id, (trx) =>
      trx.selectFrom('document_chunks').select('id').where('document_id', '=', documentId).execute(),
    );
    expect(left).toEqual([]);
    const s3 = createS3Client(getConfig());
    await expect(
      s3.send(
        new GetObjectCommand({
          Bucket: getConfig().ASSAY_S3_BUCKET,
          Key: `orgs/acme/documents/${documentId}/original`,
        }),
      ),
    ).rejects.toThrow();
    const [event] = await auditEventsOf(runtime.db, acme.id, 'document.deleted');
    expect(event).toMatchObject({ target_id: documentId, actor_login: 'acme-admin' });
  });
});

describe('bad requests get a clear 4xx', () => {
  it('refuses unsupported types, empty and oversized files, and viewers', async () => {
    const member = acme.as.member as string;
    const exe = await api(member, 'POST', '/orgs/acme/documents', {
      filename: 'setup.exe',
      contentType: 'application/octet-stream',
      bytes: 10,
    });
    expect(exe.status).toBe(400);
    expect(exe.body.error.code).toBe('unsupported_type');
    const mismatch = await api(member, 'POST', '/orgs/acme/documents', {
      filename: 'spec.pdf',
      contentType: 'text/html',
      bytes: 10,
    });
    expect(mismatch.body.error.code).toBe('unsupported_type');
    const big = await api(member, 'POST', '/orgs/acme/documents', {
      filename: 'big.pdf',
      contentType: 'application/pdf',
      bytes: 2 * 1024 * 1024 + 1,
    });
    expect(big.status).toBe(413);
    expect(
      (
        await api(member, 'POST', '/orgs/acme/documents', {
          filename: 'a.txt',
          contentType: 'text/plain',
          bytes: 0,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api(acme.as.viewer as string, 'POST', '/orgs/acme/documents', {
          filename: 'a.txt',
          contentType: 'text/plain',
          bytes: 3,
        })
      ).status,
    ).toBe(403);
    expect((await api(member, 'POST', '/orgs/acme/search', { query: '   ' })).status).toBe(400);
    expect((await api(member, 'POST', '/orgs/acme/search', { query: 'x', limit: 51 })).status).toBe(400);
  });
});

describe('bad documents fail with a reason, each on its own', () => {
  it('records encrypted, corrupt, mislabelled, empty, oversized and binary uploads as failed; good ones next to them are ready', async () => {
    const member = acme.as.member as string;
    const pdf = buildPdf([{ lines: ['# Returns', 'Items can be returned within 30 days.'] }]);
    const rows = Array.from(
      { length: 200 },
      (_, i) => `${i},"Story ${i}","As a user I want feature ${i}"`,
    ).join('\n');
    const cases = [
      { filename: 'ok.pdf', contentType: 'application/pdf', bytes: pdf, expect: 'ready' },
      {
        filename: 'locked.pdf',
        contentType: 'application/pdf',
        bytes: buildPdf([{ lines: ['x'] }], { encrypted: true }),
        expect: 'encrypted',
      },
      { filename: 'cut.pdf', contentType: 'application/pdf', bytes: pdf.subarray(0, 120), expect: 'corrupt' },
      {
        filename: 'setup.pdf',
        contentType: 'application/pdf',
        bytes: Buffer.from('MZ\x90\x00\x03 not a pdf', 'latin1'),
        expect: 'corrupt',
      },
      { filename: 'blank.md', contentType: 'text/markdown', bytes: '\n\n   \n', expect: 'empty' },
      {
        filename: 'backlog.csv',
        contentType: 'text/csv',
        bytes: `id,title,story\n${rows}`,
        expect: 'too_large',
      },
      {
        filename: 'notes.txt',
        contentType: 'text/plain',
        bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]),
        expect: 'unsupported_type',
      },
      {
        filename: 'spec.docx',
        contentType: 'application/octet-stream',
        bytes: buildDocx([{ text: 'Exports', heading: 1 }, { text: 'CSV export of reports.' }]),
        expect: 'ready',
      },
      {
        filename: 'page.html',
        contentType: 'text/html',
        bytes: '<h1>Help</h1><script>fetch("http://127.0.0.1:9/pwn")</script><p>Contact support by chat.</p>',
        expect: 'ready',
      },
    ];
    const uploaded = [];
    for (const c of cases) uploaded.push(await uploadDocument(runtime.url, member, 'acme', c));
    const settled = await Promise.all(
      uploaded.map((d) => waitForDocument(runtime.url, member, 'acme', d.id, 220_000)),
    );
    settled.forEach((doc, i) => {
      const expected = cases[i]?.expect;
      if (expected === 'ready') expect(doc, cases[i]?.filename).toMatchObject({ status: 'ready' });
      else {
        expect(doc, cases[i]?.filename).toMatchObject({
          status: 'failed',
          failureReason: expected,
          chunkCount: 0,
        });
        expect(doc.message, cases[i]?.filename).toMatch(/\w{3,}/);
      }
    });
    expect(settled[0]?.pageCount).toBe(1);
    const html = await api(member, 'GET', `/orgs/acme/documents/${settled[8]?.id}/chunks`);
    expect(html.body.chunks.map((c: { text: string }) => c.text).join(' ')).toBe('Contact support by chat.');
  }, 240_000);

  it('deletes objects under document keys it never issued, and checks the size before reading', async () => {
    const s3 = createS3Client(getConfig());
    const Bucket = getConfig().ASSAY_S3_BUCKET;
    const stray = 'orgs/acme/documents/00000000-0000-4000-8000-000000000000/original';
    await s3.send(new PutObjectCommand({ Bucket, Key: stray, Body: 'x', ContentType: 'text/plain' }));
    await documentsQueueIdle();
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: stray }))).rejects.toThrow();

    // The presigned PUT signs the declared Content-Length, so a bigger body is refused (403);
    // an object over the limit written at the key another way is still refused by the consumer.
    const created = await api(acme.as.member as string, 'POST', '/orgs/acme/documents', {
      filename: 'huge.txt',
      contentType: 'text/plain',
      bytes: 100,
    });
    const huge = Buffer.alloc(2 * 1024 * 1024 + 10, 0x61);
    const refused = await fetch(created.body.upload.url, {
      method: 'PUT',
      headers: created.body.upload.headers,
      body: huge,
    });
    expect(refused.status).toBe(403);
    const uploadPath = new URL(created.body.upload.url as string).pathname;
    expect(uploadPath.startsWith(`/${Bucket}/`)).toBe(true);
    const Key = decodeURIComponent(uploadPath.slice(Bucket.length + 2));
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: huge, ContentType: 'text/plain' }));
    const doc = await waitForDocument(
      runtime.url,
      acme.as.member as string,
      'acme',
      created.body.document.id,
      220_000,
    );
    expect(doc).toMatchObject({ status: 'failed', failureReason: 'too_large' });
  }, 240_000);
});

describe('hostile and real-world documents on the local runtime (issues 27, 28)', () => {
  it('ends heavy inputs failed with the cap named, in the isolated parser, while the API keeps answering', async () => {
    const member = acme.as.member as string;
    const cjk =
      '系统应当在用户提交订单之后立即发送确认邮件并记录操作日志以便审计人员随时查看所有历史变更记录'.repeat(
        60,
      );
    const cases = [
      {
        filename: 'deep.html',
        contentType: 'text/html',
        bytes: '<div>'.repeat(200_000),
        expect: 'too_large',
      },
      {
        filename: 'words.docx',
        contentType: 'application/octet-stream',
        bytes: buildDocx(Array.from({ length: 60 }, () => ({ text: 'word '.repeat(1_000) }))),
        expect: 'too_large',
      },
      {
        filename: 'pages.pdf',
        contentType: 'application/pdf',
        bytes: buildPdf(Array.from({ length: 25 }, (_, i) => ({ lines: [`Page ${i}`] }))),
        expect: 'too_large',
      },
      {
        filename: 'orders-zh.md',
        contentType: 'text/markdown',
        bytes: `---\ntitle: 订单规则\nowner: ops\n---\n# 订单\n\n${cjk}\n`,
        expect: 'ready',
      },
      {
        filename: 'menu.csv',
        contentType: 'text/csv',
        bytes: 'item,size\npizza,a 12" pizza\n',
        expect: 'ready',
      },
      {
        filename: 'matrix.docx',
        contentType: 'application/octet-stream',
        bytes: buildDocx([
          {
            xml: tableXml([
              [['Area'], ['Rule']],
              [['Projects'], ['All projects', 'No exceptions.']],
            ]),
          },
        ]),
        expect: 'ready',
      },
    ];
    const uploaded = [];
    for (const c of cases) uploaded.push(await uploadDocument(runtime.url, member, 'acme', c));
    const settling = Promise.all(
      uploaded.map((d) => waitForDocument(runtime.url, member, 'acme', d.id, 220_000)),
    );
    for (let i = 0; i < 10; i++) {
      expect((await api(member, 'GET', '/orgs/acme/documents?limit=5')).status).toBe(200);
    }
    const settled = await settling;
    settled.forEach((doc, i) => {
      const expected = cases[i]?.expect;
      if (expected === 'ready') expect(doc, cases[i]?.filename).toMatchObject({ status: 'ready' });
      else expect(doc, cases[i]?.filename).toMatchObject({ status: 'failed', failureReason: expected });
    });
    expect(settled[0]?.message).toMatch(/nests elements more than/);
    expect(settled[1]?.message).toMatch(/more than 200,000 characters of text/);
    expect(settled[2]?.message).toMatch(/The PDF has 25 pages; the limit is 20/);

    const zh = settled[3] as { id: string; title?: string };
    expect(zh.title).toBe('订单规则');
    const chunks = (await api(member, 'GET', `/orgs/acme/documents/${zh.id}/chunks`)).body.chunks as {
      text: string;
      headingPath: string[];
    }[];
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.text).not.toContain('\ufffd');
      expect(chunk.text).not.toMatch(/title|owner/);
      expect(chunk.headingPath).toEqual(['订单']);
      expect(cjk).toContain(chunk.text);
    }
    expect(settled[4]?.message).toMatch(/stray quote on line 2/);
    const matrix = (await api(member, 'GET', `/orgs/acme/documents/${settled[5]?.id}/chunks`)).body.chunks;
    expect(matrix[0].text).toBe(
      '| Area     | Rule                         |\n| -------- | ---------------------------- |\n| Projects | All projects; No exceptions. |',
    );
  }, 240_000);
});
