import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { startLocalRuntime } from '../infra/local/runtime.ts';
import { createObjectStore, createS3Client } from '../shared/adapters/object-store.ts';
import { getConfig } from '../shared/config.ts';
import { withSystem } from '../shared/db/tenant.ts';
import { runOrgExport } from '../shared/org-data/export.service.ts';
import { tableLines } from '../shared/org-data/org-data.repository.ts';
import { TENANT_TABLES } from '../shared/org-data/tenant-tables.ts';

const MB = 1024 * 1024;
const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 100_000);
const OBJECT_MB = Number(process.env.BENCH_EXPORT_MB ?? 1024);
const OBJECT_SIZE = 4 * MB;

/** Samples RSS every 25 ms while `fn` runs; resolves to its duration and the peak. */
async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; peakMb: number; value: T }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const start = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - start, peakMb: peak / MB, value };
  } finally {
    clearInterval(timer);
  }
}

/** A 4 MiB report-like text object (compressible like real JUnit XML, different in every object). */
function reportLike(seed: number): Buffer {
  const line = (i: number) =>
    `<testcase classname="suite.${seed}.${i % 97}" name="T${i}::case ${(i * 2654435761) % 1_000_003}" time="0.${i % 1000}"/>\n`;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < OBJECT_SIZE; i++) {
    const l = line(i);
    parts.push(l);
    size += l.length;
  }
  return Buffer.from(parts.join('')).subarray(0, OBJECT_SIZE);
}

/**
 * Export of one organisation with `ROWS` rows and `OBJECT_MB` of objects on the local runtime, against
 * the floor: reading the same objects back from the store without zipping or uploading. Run it with
 * `BENCH_EXPORT_MB=128` and with the default 1024 to see that peak memory does not grow with size.
 */
export default async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'assay-bench-export-'));
  process.env.ASSAY_LOG_LEVEL = 'SILENT';
  const runtime = await startLocalRuntime({ dataDir: root, port: 0, s3Port: 0, autoStart: false });
  try {
    const db = runtime.db;
    const config = getConfig();
    const objects = createObjectStore(config);
    const s3 = createS3Client(config);
    const orgId = await withSystem(db, async (trx) => {
      const org = await trx
        .insertInto('orgs')
        .values({ github_account_id: 424242, login: 'bench', account_type: 'Organization' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('installations').values({ id: 424242, org_id: org.id }).execute();
      const repo = await trx
        .insertInto('repositories')
        .values({
          org_id: org.id,
          installation_id: 424242,
          github_id: 424242,
          owner: 'bench',
          name: 'app',
          full_name: 'bench/app',
          private: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const user = await trx
        .insertInto('users')
        .values({ login: 'bench-user', github_id: 424243 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const half = Math.floor(ROWS / 2);
      await sql`insert into issues (org_id, repository_id, number, title, state, author, html_url)
        select ${org.id}, ${repo.id}, n, 'Issue ' || n || ': the cart shows the total with taxes', 'open', 'mona',
          'https://github.com/bench/app/issues/' || n
        from generate_series(1, ${half}) n`.execute(trx);
      await sql`insert into notifications (org_id, user_id, kind, title, body, link, subject, dedupe_key)
        select ${org.id}, ${user.id}, 'validation_failed', 'Validation failed: bench/app#' || n,
          '3 passed, 1 failed', null, '{}'::jsonb, 'bench:' || n
        from generate_series(1, ${ROWS - half}) n`.execute(trx);
      return org.id;
    });

    const count = Math.max(1, Math.round((OBJECT_MB * MB) / OBJECT_SIZE));
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = `orgs/bench/repos/app/runs/${i}-1/junit/${String(i).padStart(6, '0')}.xml`;
      await s3.send(
        new PutObjectCommand({
          Bucket: config.ASSAY_S3_BUCKET,
          Key: key,
          Body: reportLike(i),
          ContentType: 'application/xml',
        }),
      );
      keys.push(key);
    }
    global.gc?.();
    const idleMb = process.memoryUsage().rss / MB;

    const readAll = async (limit: number) => {
      let bytes = 0;
      for (const key of keys.slice(0, limit)) {
        await pipeline(
          await objects.openStream(key),
          new Writable({
            write(chunk: Buffer, _e, cb) {
              bytes += chunk.length;
              cb();
            },
          }),
        );
      }
      return bytes;
    };
    const exportOnce = async () => {
      const row = await withSystem(db, (trx) =>
        trx.insertInto('org_exports').values({ org_id: orgId }).returning('id').executeTakeFirstOrThrow(),
      );
      const outcome = await runOrgExport({ db, objects }, { orgId, exportId: row.id });
      const done = await withSystem(db, (trx) =>
        trx.selectFrom('org_exports').select(['bytes']).where('id', '=', row.id).executeTakeFirstOrThrow(),
      );
      if (outcome !== 'ready') throw new Error(`export ${outcome}`);
      return Number(done.bytes);
    };

    const readRows = async () => {
      let rows = 0;
      for (const table of TENANT_TABLES)
        for await (const lines of tableLines(db, orgId, table)) rows += lines.length;
      return rows;
    };
    const rowsOnly = await measure(readRows);
    const baseline = await measure(() => readAll(keys.length));
    global.gc?.();
    const full = await measure(exportOnce);
    const totalMb = (count * OBJECT_SIZE) / MB;
    console.log(
      `rows ${ROWS.toLocaleString('en')}, objects ${count} × 4 MiB = ${totalMb.toFixed(0)} MiB (idle RSS ${idleMb.toFixed(0)} MB)`,
    );
    console.log(
      `export  ${(full.ms / 1000).toFixed(1).padStart(6)} s  ${(totalMb / (full.ms / 1000)).toFixed(1).padStart(6)} MiB/s  ZIP ${(full.value / MB).toFixed(0)} MiB  peak RSS ${full.peakMb.toFixed(0)} MB (+${(full.peakMb - idleMb).toFixed(0)} over idle)`,
    );
    console.log(
      `read-only baseline ${(baseline.ms / 1000).toFixed(1).padStart(6)} s  ${(totalMb / (baseline.ms / 1000)).toFixed(1)} MiB/s  peak RSS ${baseline.peakMb.toFixed(0)} MB`,
    );
    console.log(
      `rows-only read (every tenant table as JSON Lines, no ZIP) ${(rowsOnly.ms / 1000).toFixed(1)} s for ${rowsOnly.value.toLocaleString('en')} rows`,
    );
    console.log(
      `export / baseline: time ${(full.ms / baseline.ms).toFixed(2)}×, peak RSS above idle ${((full.peakMb - idleMb) / Math.max(1, baseline.peakMb - idleMb)).toFixed(2)}×; peak RSS / data size ${((full.peakMb - idleMb) / totalMb).toFixed(3)}`,
    );
  } finally {
    await runtime.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
