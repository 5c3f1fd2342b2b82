import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type {
  PlaywrightFile,
  Requirement,
  TestCase,
  VerifyOutcome,
} from '../../../shared/agents/agents.types.ts';
import { writeAgentRunExport } from '../../../shared/agents/export/export-zip.ts';

const requirements: Requirement[] = [
  {
    id: 'R1',
    title: 'Sign in',
    description: 'Customers sign in with email and password.',
    acceptanceCriteria: [
      { text: 'A customer can sign in', tid: 'T1' },
      { text: 'Passwords have 8+ characters' },
    ],
    sources: [
      { issue: 4, tid: 'T1' },
      { documentId: '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10', chunkId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f' },
    ],
  },
];
const testCases: TestCase[] = [
  {
    requirementId: 'R1',
    criterionIndex: 0,
    tid: 'T1',
    title: '=HYPERLINK("http://evil") signs in, "quoted" | piped',
    preconditions: ['An account exists'],
    steps: [
      { action: 'Open /signin', expected: 'The page “Sign in” is shown' },
      { action: 'Enter “a@b.c” in “Email”', expected: '“Email” shows “a@b.c”' },
    ],
    priority: 'high',
    type: 'functional',
  },
  {
    requirementId: 'R1',
    criterionIndex: 1,
    tid: null,
    title: 'Short passwords are refused',
    preconditions: [],
    steps: [{ action: 'Enter “short” as password', expected: 'An error is shown' }],
    priority: 'medium',
    type: 'negative',
  },
];
const files: PlaywrightFile[] = [
  {
    requirementId: 'R1',
    path: 'tests/r1-sign-in.spec.ts',
    content: "import { test } from '@playwright/test';\ntest('T1::signs in', async () => {});\n",
    tids: ['T1'],
    locators: [],
  },
];
const verify: VerifyOutcome = {
  typecheck: 'ok',
  typeErrors: [],
  locatorsMissing: [],
  ran: true,
  tests: 1,
  passed: 1,
  failed: 0,
  skipped: 0,
  proving: 1,
  vacuous: 0,
  results: [{ title: 'T1::signs in', tid: 'T1', outcome: 'proving' }],
};
const input = {
  run: {
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    createdAt: '2026-11-29T21:00:00.000Z',
    model: 'assay-offline-1',
    prompts: { analyst: '1', qa: '1', automation: '1' },
  },
  requirements,
  testCases,
  files,
  verify,
  verifyJunitXml: '<testsuites><testsuite name="s"><testcase name="T1::signs in"/></testsuite></testsuites>',
};

async function read(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

describe('writeAgentRunExport', () => {
  it('streams a ZIP with the requirements, test cases (Markdown, CSV), Playwright files, verify report and a manifest', async () => {
    const { bytes, chunks } = await read(writeAgentRunExport(input));
    expect(chunks).toBeGreaterThan(1);
    const entries = unzipSync(bytes);
    const text = (name: string) => new TextDecoder().decode(entries[name]);
    expect(Object.keys(entries)).toEqual([
      'requirements.md',
      'test-cases.md',
      'test-cases.csv',
      'tests/r1-sign-in.spec.ts',
      'playwright.config.ts',
      'verify/outcome.json',
      'verify/junit.xml',
      'manifest.json',
    ]);
    expect(text('requirements.md')).toContain('## R1 — Sign in');
    expect(text('requirements.md')).toContain('- **T1** A customer can sign in');
    expect(text('requirements.md')).toContain('- _proposed_ Passwords have 8+ characters');
    expect(text('requirements.md')).toContain('- issue #4, T1');
    expect(text('test-cases.md')).toContain('### T1: =HYPERLINK("http://evil") signs in, "quoted" | piped');
    expect(text('test-cases.md')).toContain('| 2 | Enter “a@b.c” in “Email” | “Email” shows “a@b.c” |');
    expect(text('test-cases.md')).toContain('### R1.2 (proposed): Short passwords are refused');
    expect(text('tests/r1-sign-in.spec.ts')).toBe(files[0]?.content);
    expect(JSON.parse(text('verify/outcome.json'))).toEqual(verify);

    const rows = parse(text('test-cases.csv'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      requirement: 'R1',
      criterion: '1',
      tid: 'T1',
      priority: 'high',
      type: 'functional',
    });
    // A cell starting with = is escaped so spreadsheets do not run it.
    expect(rows[0]?.title).toBe(`'=HYPERLINK("http://evil") signs in, "quoted" | piped`);
    expect(rows[0]?.steps).toBe('1. Open /signin\n2. Enter “a@b.c” in “Email”');
    expect(rows[1]?.tid).toBe('');

    const manifest = JSON.parse(text('manifest.json')) as {
      run: unknown;
      counts: unknown;
      files: { path: string; bytes: number; sha256: string }[];
    };
    expect(manifest.run).toEqual(input.run);
    expect(manifest.counts).toEqual({ requirements: 1, criteria: 2, testCases: 2, playwrightFiles: 1 });
    expect(manifest.files.map((f) => f.path)).toEqual(
      Object.keys(entries).filter((n) => n !== 'manifest.json'),
    );
    for (const f of manifest.files) {
      expect(f.bytes).toBe(entries[f.path]?.length);
      expect(f.sha256).toBe(createHash('sha256').update(entries[f.path]!).digest('hex'));
    }
  });

  it('is byte-for-byte the same for the same run, and leaves out what the run does not have', async () => {
    const a = await read(writeAgentRunExport(input));
    const b = await read(writeAgentRunExport(input));
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const bare = unzipSync(
      (await read(writeAgentRunExport({ ...input, files: [], verify: null, verifyJunitXml: null }))).bytes,
    );
    expect(Object.keys(bare)).toEqual([
      'requirements.md',
      'test-cases.md',
      'test-cases.csv',
      'manifest.json',
    ]);
  });
});
