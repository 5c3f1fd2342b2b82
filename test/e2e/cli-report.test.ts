import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-cli-report-'));
/** A data directory that must never be created: `report` does not open the database. */
const dataDir = join(dir, 'no-database-here');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs `npx assay report …` as a user would. */
function assay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: 'SILENT' };
  delete env.DATABASE_URL;
  return runCommand('npx', ['assay', ...args], { env });
}

const JUNIT = `\ufeff<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="999" failures="0">
  <testsuite name="checkout" tests="1">
    <testcase classname="checkout.spec" name="T12::adds an item" time="0.01"/>
    <testcase classname="checkout.spec" name="T3,T4::removes an item">
      <failure message="expected 0 items">AssertionError</failure>
    </testcase>
    <testcase classname="assay:T5" name="loads the page"><skipped/></testcase>
    <testcase classname="checkout.spec" name="pays [T6]"><error message="boom"/></testcase>
    <testcase classname="checkout.spec" name="retries">
      <properties><property name="tid" value="T7"/></properties>
      <flakyFailure message="first try failed"/>
    </testcase>
    <testcase classname="checkout.spec" name="untagged"/>
  </testsuite>
</testsuites>
`;

const SARIF = JSON.stringify({
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'ESLint', rules: [{ id: 'no-unused-vars' }] } },
      results: [
        {
          ruleId: 'no-unused-vars',
          level: 'error',
          message: { text: "'x' is assigned a value but never used." },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/a.ts' }, region: { startLine: 3 } } },
          ],
        },
        {
          ruleId: 'no-console',
          level: 'warning',
          message: { text: 'Unexpected console statement.' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/b.ts' }, region: { startLine: 9 } } },
          ],
        },
      ],
    },
  ],
});

describe('npx assay report <file>', () => {
  it('summarises a JUnit report with its TIDs (elements counted, declared counts ignored)', async () => {
    const result = await assay(['report', file('junit.xml', JUNIT)]);
    expect(result.stderr.split('\n').filter((line) => line && !line.startsWith('npm warn'))).toEqual([]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      tests: 6,
      passed: 3,
      failed: 1,
      errored: 1,
      skipped: 1,
      flaky: 1,
      tids: { T12: 'passed', T3: 'failed', T4: 'failed', T5: 'skipped', T6: 'errored', T7: 'passed' },
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('reports an invalid file with the reason and exit code 2', async () => {
    const truncated = await assay(['report', file('truncated.xml', JUNIT.slice(0, 300))]);
    expect(truncated.code).toBe(2);
    const summary = JSON.parse(truncated.stdout);
    expect(summary).toEqual({ valid: false, error: expect.any(String) });
    expect(summary.error.length).toBeGreaterThan(5);

    const bomb = await assay([
      'report',
      file(
        'bomb.xml',
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><testsuite><testcase name="&lol2;"/></testsuite>',
      ),
    ]);
    expect(bomb.code).toBe(2);
    expect(JSON.parse(bomb.stdout).valid).toBe(false);

    for (const [name, content] of [
      ['empty.xml', '  \n'],
      ['notes.txt', 'just some text'],
      ['other.json', '{"hello": "world"}'],
    ] as const) {
      const result = await assay(['report', file(name, content)]);
      expect({ name, code: result.code, valid: JSON.parse(result.stdout).valid }).toEqual({
        name,
        code: 2,
        valid: false,
      });
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('summarises a SARIF file and a code_health.json file as code health', async () => {
    const sarif = await assay(['report', file('eslint.sarif', SARIF)]);
    expect(sarif.code).toBe(0);
    const summary = JSON.parse(sarif.stdout);
    expect(summary).toMatchObject({ valid: true, format: 'sarif', score: expect.any(Number) });
    expect(summary.findings).toHaveLength(2);
    expect(summary.findings[0]).toMatchObject({ rule: 'no-unused-vars', file: 'src/a.ts', line: 3 });
    expect(Object.values(summary.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(2);
    expect(summary.score).toBeGreaterThanOrEqual(0);
    expect(summary.score).toBeLessThan(100);

    const health = await assay([
      'report',
      file(
        'code_health.json',
        JSON.stringify({
          findings: [
            { rule: 'complexity', severity: 'high', file: 'src/c.ts', line: 1, message: 'too complex' },
          ],
        }),
      ),
    ]);
    expect(health.code).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({
      valid: true,
      format: 'code-health-json',
      counts: { high: 1 },
    });
  });

  it('fails with exit code 1 for a missing file or missing argument', async () => {
    const missing = await assay(['report', join(dir, 'nope.xml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.xml');
    expect((await assay(['report'])).code).toBe(1);
  });
});
