import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { auditEventsOf, seedApiToken } from '../../support/identity.ts';
import {
  fail,
  junit,
  pass,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

let h: ValidationHarness;
let orgId: string;
let member: string;

beforeAll(async () => {
  h = await startValidationHarness();
  orgId = (
    await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    )
  ).id;
  member = (await seedApiToken(h.runtime.db, orgId, 'member')).token;
});

afterAll(async () => {
  await h.dispose();
});

/** Asks for a presigned upload as CI does (OIDC) and returns it without uploading. */
async function presign(sha: string, runId: string, kind: 'junit' | 'code-health' = 'junit') {
  const jwt = await h.oidc.sign({ repository: 'acme/widgets', sha, run_id: runId, run_attempt: '1' });
  const res = await fetch(`${h.runtime.url}/ci/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ kind }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { url: string; headers: Record<string, string>; key: string };
}

const uploadOf = (key: string) =>
  withSystem(h.runtime.db, (trx) =>
    trx
      .selectFrom('ci_uploads')
      .select(['id', 'status', 'counts', 'etag', 'overwrites', 'overwritten_at', 'error'])
      .where('object_key', '=', key)
      .executeTakeFirstOrThrow(),
  );

async function revalidate(pull: number) {
  const res = await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/pulls/${pull}/revalidate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${member}` },
  });
  expect(res.status).toBe(202);
  await h.drain();
}

describe('an uploaded report is write-once', () => {
  it('refuses a second PUT to the same presigned URL (If-None-Match: * is part of the signed upload)', async () => {
    const sha = await h.openPull();
    const upload = await presign(sha, '7001');
    expect(upload.headers['if-none-match']).toBe('*');
    const failing = junit(pass('T1::a') + fail('T2::b'));
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: failing })).status).toBe(
      200,
    );
    await h.waitForReportEvent();
    await h.drain();
    const passing = junit(pass('T1::a') + pass('T2::b'));
    const again = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: passing });
    expect(again.status).toBe(412);
    await revalidate(h.lastPull);
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'failure' });
  });

  it('rejects and records a later object at the key when the condition is dropped; validation keeps the stored results', async () => {
    const sha = await h.openPull();
    const pull = h.lastPull;
    const upload = await presign(sha, '7002');
    const failing = junit(pass('T1::a') + fail('T2::b'));
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: failing });
    await h.waitForReportEvent();
    await h.drain();
    const first = await uploadOf(upload.key);
    expect(first).toMatchObject({ status: 'processed', overwrites: 0 });
    expect(first.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(first.counts).toMatchObject({ passed: 1, failed: 1 });
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'failure' });

    // The presigned URL cannot be used without If-None-Match: the condition is signed in.
    const { 'if-none-match': _dropped, ...plain } = upload.headers;
    const passing = junit(pass('T1::a') + pass('T2::b'));
    expect((await fetch(upload.url, { method: 'PUT', headers: plain, body: passing })).status).toBe(403);
    // A writer with the bucket's credentials and no condition still replaces the object.
    const config = getConfig();
    await createS3Client(config).send(
      new PutObjectCommand({
        Bucket: config.ASSAY_S3_BUCKET,
        Key: upload.key,
        Body: passing,
        ContentType: upload.headers['content-type'],
      }),
    );
    await h.waitForReportEvent();
    await h.drain();

    const after = await uploadOf(upload.key);
    expect(after).toMatchObject({ status: 'processed', etag: first.etag, overwrites: 1 });
    expect(after.counts).toEqual(first.counts);
    expect(after.overwritten_at).toBeInstanceOf(Date);
    const audits = (await auditEventsOf(h.runtime.db, orgId, 'ci_upload.overwrite_rejected')).filter(
      (event) => event.target_id === after.id,
    );
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ target_type: 'ci_upload', target_id: after.id });
    expect(audits[0]!.details).toMatchObject({ key: upload.key, processedEtag: first.etag });

    // Revalidating uses what was processed, not the object now at the key.
    await revalidate(pull);
    expect(h.checkOf(sha)).toHaveLength(1);
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'failure' });
    const validation = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('validations')
        .select(['conclusion', 'counts'])
        .where('head_sha', '=', sha)
        .executeTakeFirst(),
    );
    expect(validation).toMatchObject({ conclusion: 'failure', counts: { passed: 1, failed: 1 } });
  });

  it('refuses in the database to change the stored results or ETag of a processed upload', async () => {
    const sha = await h.openPull();
    const key = await h.upload(sha, '7003', junit(pass('T1::a') + pass('T2::b')));
    const update = (set: { results?: string; etag?: string }) =>
      withSystem(h.runtime.db, (trx) =>
        trx.updateTable('ci_uploads').set(set).where('object_key', '=', key).execute(),
      );
    await expect(
      update({ results: JSON.stringify({ version: 1, tests: [], annotations: [] }) }),
    ).rejects.toThrow(/write-once/);
    await expect(update({ etag: 'f'.repeat(32) })).rejects.toThrow(/write-once/);
  });
});

describe('a code-health report with NUL or lone surrogates', () => {
  it('is processed with them replaced by U+FFFD, never left issued', async () => {
    const sha = await h.openPull();
    const report = JSON.stringify({
      findings: [
        { rule: 'no-\u0000eval', severity: 'warning', file: 'src/\ud800a.ts', line: 3, message: 'bad\u0000' },
      ],
    });
    const key = await h.upload(sha, '7004', report, { kind: 'code-health' });
    expect(await uploadOf(key)).toMatchObject({ status: 'processed', error: null });
    const run = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('code_health_runs')
        .select('findings')
        .where('head_sha', '=', sha)
        .executeTakeFirstOrThrow(),
    );
    expect(run.findings).toEqual([
      expect.objectContaining({ rule: 'no-\uFFFDeval', file: 'src/\uFFFDa.ts', message: 'bad\uFFFD' }),
    ]);
  });
});
