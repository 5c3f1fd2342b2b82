import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { seedApiToken, seedOrg, TEST_SESSION_SECRET } from '../support/identity.ts';
import { runCommand } from '../support/run-command.ts';
import { freshDataDir } from '../support/test-database.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const data = freshDataDir();
const files = mkdtempSync(join(tmpdir(), 'assay-cli-docs-'));
let runtime: TestRuntime | undefined;
let orgId = '';

function assay(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASSAY_DATA_DIR: data.dir,
    ASSAY_LOG_LEVEL: 'SILENT',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.ASSAY_URL;
  delete env.ASSAY_TOKEN;
  return runCommand('npx', ['assay', ...args], { env });
}

beforeAll(async () => {
  const postgres = await startEmbeddedPostgres(data.dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  try {
    orgId = await seedOrg(db, 'acme');
  } finally {
    await db.destroy();
    await postgres.stop();
  }
  writeFileSync(
    join(files, 'onboarding.md'),
    '# Onboarding\n\n## Invitations\n\nAn invitation link expires after seven days.\n',
  );
  writeFileSync(join(files, 'broken.pdf'), 'MZ this is not a pdf');
});

afterAll(async () => {
  await runtime?.dispose();
  data.remove();
  rmSync(files, { recursive: true, force: true });
});

describe('npx assay documents upload / search', () => {
  it('ingests files straight into the local data directory and reports each status (exit 2 when one failed)', async () => {
    const result = await assay([
      'documents',
      'upload',
      join(files, 'onboarding.md'),
      join(files, 'broken.pdf'),
      '--org',
      'acme',
    ]);
    expect(result.code).toBe(2);
    const { documents } = JSON.parse(result.stdout);
    expect(documents).toEqual([
      expect.objectContaining({ filename: 'onboarding.md', status: 'ready', chunkCount: 1 }),
      expect.objectContaining({ filename: 'broken.pdf', status: 'failed', failureReason: 'corrupt' }),
    ]);
    const search = await assay(['search', 'when does an invitation expire', '--org', 'acme', '--limit', '3']);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).results[0]).toMatchObject({
      documentTitle: 'onboarding',
      headingPath: ['Onboarding', 'Invitations'],
    });
  });

  it('refuses unknown file types before touching anything', async () => {
    const exe = await assay(['documents', 'upload', join(files, 'setup.exe'), '--org', 'acme']);
    expect(exe.code).toBe(1);
    expect(exe.stderr).toMatch(/not a supported document/);
  });

  it('goes through the API with --url and --token, waiting for processing', async () => {
    process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
    runtime = await startTestRuntime({ dataDir: data.dir });
    const { token } = await seedApiToken(runtime.db, orgId, 'member');
    const api = { ASSAY_URL: runtime.url, ASSAY_TOKEN: token };
    writeFileSync(join(files, 'faq.txt'), 'Refunds are paid within five working days.');
    const upload = await assay(['documents', 'upload', join(files, 'faq.txt'), '--org', 'acme'], api);
    expect(upload.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(upload.code).toBe(0);
    expect(JSON.parse(upload.stdout).documents[0]).toMatchObject({ filename: 'faq.txt', status: 'ready' });
    const search = await assay([
      'search',
      'refund',
      '--org',
      'acme',
      '--mode',
      'text',
      '--url',
      runtime.url,
      '--token',
      token,
    ]);
    expect(JSON.parse(search.stdout).results.map((r: { documentTitle: string }) => r.documentTitle)).toEqual([
      'faq',
    ]);
  });
});
