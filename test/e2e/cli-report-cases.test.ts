import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf16 } from '../support/encodings.ts';
import { runCommand } from '../support/run-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-cli-report-cases-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs `npx assay report …` as a user would. */
function assay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASSAY_DATA_DIR: join(dir, 'no-database-here'),
    ASSAY_LOG_LEVEL: 'SILENT',
  };
  delete env.DATABASE_URL;
  return runCommand('npx', ['assay', ...args], { env });
}

const JUNIT = `<?xml version="1.0" encoding="UTF-16"?>
<testsuites time="14,029.255">
  <testsuite name="checkout" time="1,5">
    <testcase classname="checkout.spec" name="T12::adds an item" time="0,160"/>
    <testcase classname="checkout.spec" name="T3,T4::removes an item" time="1.234,5"><failure message="no"/></testcase>
    <testcase classname="assay:T5" name="loads the page" time="1,234"><skipped/></testcase>
    <testcase classname="checkout.spec" name="retries" time="junk"><flakyFailure message="first try"/></testcase>
    <testcase classname="checkout.spec" name="untagged"/>
  </testsuite>
</testsuites>
`;

describe('npx assay report <file> --cases and encodings', () => {
  it('lists every testcase in document order with its duration, TIDs and flakiness', async () => {
    const result = await assay(['report', file('junit.xml', JUNIT.replace('UTF-16', 'UTF-8')), '--cases']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ valid: true, tests: 5, passed: 3, failed: 1, skipped: 1, flaky: 1 });
    expect(summary.cases).toEqual([
      {
        suite: 'checkout',
        classname: 'checkout.spec',
        name: 'T12::adds an item',
        status: 'passed',
        durationMs: 160,
        tids: ['T12'],
        flaky: false,
      },
      {
        suite: 'checkout',
        classname: 'checkout.spec',
        name: 'T3,T4::removes an item',
        status: 'failed',
        durationMs: 1234500,
        tids: ['T3', 'T4'],
        flaky: false,
      },
      // `1,234` is 1.234 s or 1234 s depending on the locale: no duration rather than a wrong one.
      {
        suite: 'checkout',
        classname: 'assay:T5',
        name: 'loads the page',
        status: 'skipped',
        tids: ['T5'],
        flaky: false,
      },
      {
        suite: 'checkout',
        classname: 'checkout.spec',
        name: 'retries',
        status: 'passed',
        tids: [],
        flaky: true,
      },
      {
        suite: 'checkout',
        classname: 'checkout.spec',
        name: 'untagged',
        status: 'passed',
        tids: [],
        flaky: false,
      },
    ]);
    expect(summary.suites).toEqual([{ name: 'checkout', level: 1, tests: 5, durationMs: 1500 }]);

    const plain = JSON.parse(
      (await assay(['report', file('again.xml', JUNIT.replace('UTF-16', 'UTF-8'))])).stdout,
    );
    expect(plain.cases).toBeUndefined();
  });

  it.each([
    ['utf16le-bom.xml', utf16(JUNIT, 'le', true)],
    ['utf16be-bom.xml', utf16(JUNIT, 'be', true)],
    ['utf16be.xml', utf16(JUNIT, 'be', false)],
    ['utf8-bom-space.xml', Buffer.from(`\ufeff\n  ${JUNIT.replace(/^<\?xml[^>]*\?>\n/, '')}`)],
  ] as const)('accepts %s, as the report consumer does', async (name, bytes) => {
    const result = await assay(['report', file(name, bytes)]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: true,
      tests: 5,
      passed: 3,
      failed: 1,
      skipped: 1,
      flaky: 1,
    });
  });

  it('accepts a UTF-16 code-health file', async () => {
    const json = utf16('{"findings":[{"rule":"r","severity":"high","message":"m"}]}', 'le', true);
    const result = await assay(['report', file('code_health.json', json)]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, counts: { high: 1 } });
  });
});
