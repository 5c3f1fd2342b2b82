import { describe, expect, it } from 'vitest';
import { buildManifestEntries } from '../../../shared/manifests/build-manifest.ts';
import { analyzeDiff, type ChangedFile } from '../../../shared/manifests/diff.ts';
import { scoreRelevance } from '../../../shared/manifests/relevance.ts';

function added(filename: string, lines: string[]): ChangedFile {
  const patch = `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}`;
  return { filename, status: 'added', additions: lines.length, deletions: 0, patch };
}

const files: ChangedFile[] = [
  added('src/auth/email.ts', [
    'export function validateEmail(input: string) {',
    '  return EMAIL_RE.test(input);',
    '}',
  ]),
  added('src/auth/email.test.ts', [
    "it('T12::rejects an invalid email', () => {",
    '  expect(validateEmail("x")).toBe(false);',
    '});',
  ]),
  added('src/billing/invoice.ts', ['export const invoiceTotal = (lines: Line[]) => sum(lines);']),
  added('src/ui/theme.ts', ['export const darkPalette = {};']),
  { filename: 'docs/logo.png', status: 'added', additions: 0, deletions: 0 },
];
const analysis = analyzeDiff(files);
const known = files.map((f) => f.filename);

describe('scoreRelevance', () => {
  it('scores path and identifier matches with reasons and the source files', () => {
    const r = scoreRelevance('The signup form rejects an invalid email address', analysis);
    expect(r.score).toBeGreaterThan(0.6);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.reasons[0]).toBe('path src/auth/email.ts matches "email"');
    expect(r.reasons).toContain('identifier validateEmail matches "email"');
    expect(r.reasons.length).toBeLessThanOrEqual(3);
    expect(r.files).toEqual(['src/auth/email.ts']);
  });

  it('stems words (invoices → invoice, validation → validate)', () => {
    expect(scoreRelevance('Invoices show the total', analysis).files[0]).toBe('src/billing/invoice.ts');
    const v = scoreRelevance('Validation happens on blur', analysis);
    expect(v.reasons).toEqual(['identifier validateEmail matches "validation"']);
    expect(v.score).toBe(0.3);
  });

  it('is zero for unrelated items and for stop-words only', () => {
    expect(scoreRelevance('Exports a PDF of the quarterly report', analysis)).toEqual({
      score: 0,
      reasons: [],
      files: [],
    });
    expect(scoreRelevance('The user should be able to', analysis).score).toBe(0);
  });

  it('discounts words found in many files', () => {
    const many = analyzeDiff(Array.from({ length: 400 }, (_, i) => added(`src/api/handler${i}.ts`, ['x()'])));
    const one = analyzeDiff([added('src/api/handler.ts', ['x()'])]);
    expect(scoreRelevance('api handler', many).score).toBeLessThan(scoreRelevance('api handler', one).score);
    expect(scoreRelevance('api handler', many).files).toHaveLength(3);
  });

  it('rounds to two decimals', () => {
    const s = scoreRelevance('dark theme palette', analysis).score;
    expect(Math.round(s * 100) / 100).toBe(s);
  });
});

describe('buildManifestEntries', () => {
  const issue = { owner: 'acme', repo: 'web', number: 7 };

  it('gives relevance, reasons, a suggested test and existing TID tests', () => {
    const [email, invoice, other] = buildManifestEntries(
      [
        { issue, tid: 12, text: 'The form should reject an invalid email.' },
        { issue, tid: 13, text: 'Invoices include the total' },
        { issue, tid: 14, text: 'Exports a PDF report' },
      ],
      analysis,
      known,
    );
    expect(email).toMatchObject({
      issue,
      tid: 12,
      relevance: expect.any(Number),
      suggestedTests: [{ name: 'T12::rejects an invalid email', path: 'src/auth/email.test.ts' }],
      existingTests: [{ file: 'src/auth/email.test.ts', line: 1, name: 'T12::rejects an invalid email' }],
    });
    expect(email?.relevance).toBeGreaterThan(0.5);
    expect(invoice?.suggestedTests).toEqual([
      { name: 'T13::invoices include the total', path: 'src/billing/invoice.test.ts' },
    ]);
    expect(invoice?.existingTests).toEqual([]);
    expect(other).toMatchObject({
      relevance: 0,
      reasons: [],
      suggestedTests: [{ path: 'src/issue-7.test.ts' }],
    });
  });

  it('uses the layout default of the dominant language when nothing matches', () => {
    const py = analyzeDiff([added('app/models.py', ['x = 1'])]);
    const [e] = buildManifestEntries([{ issue, tid: 1, text: 'Something unrelated' }], py, ['app/models.py']);
    expect(e?.suggestedTests[0]?.path).toBe('tests/test_issue_7.py');
  });
});
