import { createHash, randomUUID } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore, createS3Client } from '../../../shared/adapters/object-store.ts';
import { verifyAuditChain } from '../../../shared/audit/audit.ts';
import { getConfig } from '../../../shared/config.ts';
import { withSystem, withTenant } from '../../../shared/db/tenant.ts';
import { runOrgDeletion } from '../../../shared/org-data/deletion.service.ts';
import { tablesWithOrgId } from '../../../shared/org-data/org-data.repository.ts';
import { NON_TENANT_ORG_TABLES, TENANT_TABLES } from '../../../shared/org-data/tenant-tables.ts';
import { callApi } from '../../support/api-client.ts';
import {
  type SeededOrg,
  seedApiToken,
  seedOrgWithMembers,
  seedSession,
  seedUser,
  TEST_SESSION_SECRET,
} from '../../support/identity.ts';
import {
  INSTALLATION_ID,
  junit,
  pass,
  repository,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';
import { postWebhook } from '../../support/webhooks.ts';

let h: ValidationHarness;
let acmeId = '';
let owner = '';
let admin = '';
let apiToken = '';
let uploadToken = '';
let globex: SeededOrg;
const bucket = () => getConfig().ASSAY_S3_BUCKET;

async function keysUnder(prefix: string): Promise<string[]> {
  const s3 = createS3Client(getConfig());
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key ?? '');
}

async function rowCounts(orgId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const tables = await tablesWithOrgId(h.runtime.db);
  await withSystem(h.runtime.db, async (trx) => {
    for (const table of tables) {
      const result = await sql<{
        n: string;
      }>`select count(*) as n from ${sql.table(table)} where org_id = ${orgId}`.execute(trx);
      counts[table] = Number(result.rows[0]?.n ?? 0);
    }
    const org = await trx.selectFrom('orgs').select('id').where('id', '=', orgId).execute();
    counts.orgs = org.length;
  });
  return counts;
}

beforeAll(async () => {
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  h = await startValidationHarness();
  const db = h.runtime.db;
  const sha = await h.openPull();
  await h.upload(sha, '5001', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
  const org = await withSystem(db, (trx) =>
    trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
  );
  acmeId = org.id;
  owner = (await seedSession(db, await seedUser(db, 'acme-owner', { orgId: acmeId, role: 'owner' }))).token;
  admin = (await seedSession(db, await seedUser(db, 'acme-admin', { orgId: acmeId, role: 'admin' }))).token;
  apiToken = (await seedApiToken(db, acmeId, 'admin')).token;
  const minted = await callApi(h.runtime.url, admin, 'POST', '/repos/acme/widgets/upload-tokens', {
    name: 'ci',
  });
  expect(minted.status).toBe(201);
  uploadToken = minted.body.token;
  expect(
    (await callApi(h.runtime.url, admin, 'POST', '/orgs/acme/invitations', { role: 'member' })).status,
  ).toBe(201);
  expect((await callApi(h.runtime.url, owner, 'PUT', '/repos/acme/widgets/follow')).status).toBeLessThan(300);

  globex = await seedOrgWithMembers(db, 'globex', { owner: 'owner', admin: 'admin' });
  await seedApiToken(db, globex.id, 'member');
  expect(
    (await callApi(h.runtime.url, globex.as.admin!, 'POST', '/orgs/globex/invitations', { role: 'viewer' }))
      .status,
  ).toBe(201);
  await createS3Client(getConfig()).send(
    new PutObjectCommand({ Bucket: bucket(), Key: 'orgs/globex/keep.txt', Body: 'globex data' }),
  );
}, 120_000);

afterAll(async () => {
  await h.dispose();
});

describe('the tenant table registry', () => {
  it('names every table under tenant isolation and every table with an org_id', async () => {
    const policies = await sql<{ tablename: string }>`
      select distinct tablename from pg_policies where schemaname = 'public' and policyname = 'tenant_isolation'`.execute(
      h.runtime.db,
    );
    const isolated = new Set(policies.rows.map((r) => r.tablename));
    const withOrgId = (await tablesWithOrgId(h.runtime.db)).filter((t) => !NON_TENANT_ORG_TABLES.includes(t));
    const registered = new Set(TENANT_TABLES.map((t) => t.name));
    const missing = [...new Set([...isolated, ...withOrgId])].filter((t) => !registered.has(t));
    expect(missing, 'tenant tables the export and deletion do not cover: add them to TENANT_TABLES').toEqual(
      [],
    );
    const stale = [...registered].filter((t) => !isolated.has(t) && !withOrgId.includes(t));
    expect(stale).toEqual([]);
  });
});

describe('organisation export', () => {
  it('is for owners only', async () => {
    const res = await callApi(h.runtime.url, admin, 'POST', '/orgs/acme/exports');
    expect(res.status).toBe(403);
    expect((await callApi(h.runtime.url, admin, 'GET', '/orgs/acme/exports')).status).toBe(403);
  });

  it('streams every tenant table and object into one ZIP with a manifest of digests', async () => {
    const requested = await callApi(h.runtime.url, owner, 'POST', '/orgs/acme/exports');
    expect(requested.status).toBe(202);
    expect(requested.body.export).toMatchObject({ status: 'queued' });
    const id = requested.body.export.id as string;
    const before = Date.now();
    expect(await h.runtime.queues.pollOnce('exports')).toBe(1);
    const after = Date.now();

    const view = await callApi(h.runtime.url, owner, 'GET', `/orgs/acme/exports/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, status: 'ready' });
    const expiresAt = Date.parse(view.body.expiresAt);
    const week = 7 * 86_400_000;
    expect(expiresAt).toBeGreaterThanOrEqual(before + week - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + week + 1000);
    expect(view.body.downloadUrl).toContain(`exports/${acmeId}/${id}.zip`);
    const listed = await callApi(h.runtime.url, owner, 'GET', '/orgs/acme/exports');
    expect(listed.body.exports.map((e: { id: string }) => e.id)).toContain(id);

    const download = await fetch(view.body.downloadUrl);
    expect(download.status).toBe(200);
    const zip = Buffer.from(await download.arrayBuffer());
    expect(zip.length).toBe(view.body.bytes);
    const entries = unzipSync(new Uint8Array(zip));
    const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8'));
    expect(manifest).toMatchObject({ formatVersion: 1, exportId: id, org: { id: acmeId, login: 'acme' } });

    // Every file is in the manifest with its size and SHA-256, and nothing else is in the ZIP.
    const paths = Object.keys(entries).filter((p) => p !== 'manifest.json');
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(paths.sort());
    for (const file of manifest.files as { path: string; bytes: number; sha256: string }[]) {
      const content = entries[file.path]!;
      expect(content.length).toBe(file.bytes);
      expect(createHash('sha256').update(content).digest('hex')).toBe(file.sha256);
    }

    // Every tenant table, with exactly the organisation's rows.
    const counts = await rowCounts(acmeId);
    for (const table of TENANT_TABLES) {
      const text = Buffer.from(entries[`tables/${table.name}.jsonl`]!).toString('utf8');
      const lines = text === '' ? [] : text.trimEnd().split('\n');
      const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      // The export's own row is written while it runs, after its table was read (it was `running`).
      expect(rows.length, table.name).toBe(manifest.counts[table.name]);
      if (table.name !== 'org_exports') expect(rows.length, table.name).toBe(counts[table.name] ?? 0);
      for (const row of rows) {
        expect(row[table.orgColumn]).toBe(acmeId);
        for (const column of table.omit) expect(row).not.toHaveProperty(column);
      }
    }
    expect(manifest.counts.checklist_items).toBeGreaterThanOrEqual(2);
    expect(manifest.counts.ci_uploads).toBeGreaterThanOrEqual(1);
    expect(manifest.counts.api_tokens).toBeGreaterThanOrEqual(1);
    const tokens = Buffer.from(entries['tables/api_tokens.jsonl']!).toString('utf8');
    expect(tokens).not.toContain('token_hash');
    const users = Buffer.from(entries['tables/users.jsonl']!).toString('utf8');
    expect(users).toContain('acme-owner');
    expect(users).not.toContain('globex');

    // The stored report, byte for byte; nothing of the other organisation.
    const reportKeys = (await keysUnder('orgs/acme/')).filter((k) => k.includes('/junit/'));
    expect(reportKeys.length).toBeGreaterThan(0);
    for (const key of reportKeys) {
      expect(Buffer.from(entries[`objects/${key}`]!).toString('utf8')).toContain('T1::shows an error');
    }
    expect(paths.some((p) => p.includes('globex'))).toBe(false);
    const schema = manifest.tables.find((t: { name: string }) => t.name === 'api_tokens');
    expect(schema.columns.map((c: { name: string }) => c.name)).not.toContain('token_hash');
    expect(schema.omittedColumns).toEqual(['token_hash']);
  });

  it('does not run an export twice for a repeated message', async () => {
    const requested = await callApi(h.runtime.url, owner, 'POST', '/orgs/acme/exports');
    const id = requested.body.export.id as string;
    await h.runtime.queues.pollOnce('exports');
    const first = await callApi(h.runtime.url, owner, 'GET', `/orgs/acme/exports/${id}`);
    const { runOrgExport } = await import('../../../shared/org-data/export.service.ts');
    const again = await runOrgExport(
      { db: h.runtime.db, objects: createObjectStore(getConfig()) },
      { orgId: acmeId, exportId: id },
    );
    expect(again).toBe('skipped');
    const second = await callApi(h.runtime.url, owner, 'GET', `/orgs/acme/exports/${id}`);
    expect(second.body.finishedAt).toBe(first.body.finishedAt);
    expect(second.body.bytes).toBe(first.body.bytes);
  });

  it('answers 404 for an export of another organisation', async () => {
    const listed = await callApi(h.runtime.url, owner, 'GET', '/orgs/acme/exports');
    const id = listed.body.exports[0].id as string;
    expect((await callApi(h.runtime.url, globex.as.owner!, 'GET', `/orgs/globex/exports/${id}`)).status).toBe(
      404,
    );
  });
});

describe('organisation deletion', () => {
  it('is for owners only and needs the login as confirmation', async () => {
    expect((await callApi(h.runtime.url, admin, 'DELETE', '/orgs/acme', { confirm: 'acme' })).status).toBe(
      403,
    );
    const wrong = await callApi(h.runtime.url, owner, 'DELETE', '/orgs/acme', { confirm: 'acme-corp' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([{ path: 'body.confirm', message: 'must equal "acme"' }]);
    expect((await callApi(h.runtime.url, owner, 'DELETE', '/orgs/acme', {})).status).toBe(400);
    expect((await callApi(h.runtime.url, owner, 'GET', '/orgs/acme/members')).status).toBe(200);
  });

  it('makes the organisation inaccessible at once, then removes every row and object, resuming after a crash', async () => {
    const db = h.runtime.db;
    const globexBefore = await rowCounts(globex.id);
    const acmeBefore = await rowCounts(acmeId);
    expect(acmeBefore.checklist_items).toBeGreaterThan(0);
    expect(acmeBefore.audit_events).toBeGreaterThan(0);
    expect((await keysUnder('orgs/acme/')).length).toBeGreaterThan(0);
    expect((await keysUnder(`exports/${acmeId}/`)).length).toBeGreaterThan(0);

    const requested = await callApi(h.runtime.url, owner, 'DELETE', '/orgs/acme', { confirm: 'ACME' });
    expect(requested.status).toBe(202);
    expect(requested.body.deletion).toMatchObject({ status: 'queued', login: 'acme' });

    // Gone for everyone at once: sessions, API tokens, upload tokens and OIDC uploads.
    expect((await callApi(h.runtime.url, owner, 'GET', '/orgs/acme/members')).status).toBe(404);
    expect((await callApi(h.runtime.url, owner, 'GET', '/orgs')).body.orgs).toEqual([]);
    expect((await callApi(h.runtime.url, apiToken, 'GET', '/orgs/acme/members')).status).toBe(401);
    const byUploadToken = await fetch(`${h.runtime.url}/ci/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${uploadToken}` },
      body: JSON.stringify({ kind: 'junit', sha: 'c'.repeat(40) }),
    });
    expect(byUploadToken.status).toBe(401);
    const jwt = await h.oidc.sign({
      repository: 'acme/widgets',
      sha: 'd'.repeat(40),
      run_id: '77',
      run_attempt: '1',
    });
    const byOidc = await fetch(`${h.runtime.url}/ci/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ kind: 'junit' }),
    });
    expect(byOidc.status).toBe(403);
    expect((await callApi(h.runtime.url, owner, 'DELETE', '/orgs/acme', { confirm: 'acme' })).status).toBe(
      404,
    );

    // A crash half-way (after a few batches), then the queue's delivery finishes the job.
    const objects = createObjectStore(getConfig());
    let steps = 0;
    await expect(
      runOrgDeletion(
        {
          db,
          objects,
          batch: 2,
          onStep: () => {
            steps += 1;
            if (steps === 4) throw new Error('simulated crash');
          },
        },
        requested.body.deletion.id,
      ),
    ).rejects.toThrow('simulated crash');
    expect(await h.runtime.queues.pollOnce('deletions')).toBe(1);

    const acmeAfter = await rowCounts(acmeId);
    for (const [table, n] of Object.entries(acmeAfter)) expect(n, table).toBe(0);
    expect(await keysUnder('orgs/acme/')).toEqual([]);
    expect(await keysUnder(`exports/${acmeId}/`)).toEqual([]);

    // Another organisation is untouched, its audit chain still verifies.
    expect(await rowCounts(globex.id)).toEqual(globexBefore);
    expect(await keysUnder('orgs/globex/')).toEqual(['orgs/globex/keep.txt']);
    const chain = await withTenant(db, globex.id, (trx) => verifyAuditChain(trx, globex.id));
    expect(chain).toMatchObject({ valid: true });

    // The tombstone: who, when, what was removed — counted once despite the crash.
    const tombstone = await withSystem(db, (trx) =>
      trx
        .selectFrom('org_deletions')
        .selectAll()
        .where('deleted_org_id', '=', acmeId)
        .executeTakeFirstOrThrow(),
    );
    expect(tombstone).toMatchObject({ status: 'completed', login: 'acme', requested_by: 'acme-owner' });
    expect(tombstone.completed_at).toBeInstanceOf(Date);
    for (const [table, n] of Object.entries(acmeBefore)) {
      if (n > 0 && table !== 'audit_chain_heads') expect(tombstone.counts[table], table).toBe(n);
    }
    expect(tombstone.counts.objects).toBeGreaterThan(0);
    expect(tombstone.attempts).toBe(2);
  });

  it('ignores webhooks of the deleted organisation, and a new installation starts a new one', async () => {
    const db = h.runtime.db;
    const deliveryId = randomUUID();
    const posted = await postWebhook(
      h.runtime.url,
      'issues',
      {
        action: 'opened',
        installation: { id: INSTALLATION_ID },
        repository,
        issue: { number: 99, title: 'After deletion', state: 'open' },
      },
      { deliveryId },
    );
    expect(posted.status).toBeLessThan(300);
    await h.drain();
    const row = await withSystem(db, (trx) =>
      trx
        .selectFrom('webhook_deliveries')
        .select(['status', 'outcome', 'payload', 'payload_key'])
        .where('delivery_id', '=', deliveryId)
        .executeTakeFirstOrThrow(),
    );
    expect(row.status).toBe('ignored');
    expect(row.outcome).toContain('organisation acme was deleted');
    expect(row.payload).toBe('{}');
    const orgs = await withSystem(db, (trx) => trx.selectFrom('orgs').select('login').execute());
    expect(orgs.map((o) => o.login)).not.toContain('acme');

    await postWebhook(h.runtime.url, 'installation', {
      action: 'created',
      installation: { id: INSTALLATION_ID + 1, account: repository.owner },
      repositories: [
        { id: repository.id, name: repository.name, full_name: repository.full_name, private: false },
      ],
    });
    await h.drain();
    const fresh = await withSystem(db, (trx) =>
      trx.selectFrom('orgs').select(['id', 'login']).where('login', '=', 'acme').executeTakeFirstOrThrow(),
    );
    expect(fresh.id).not.toBe(acmeId);
  });
});
