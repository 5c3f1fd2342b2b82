import parseDiff from 'parse-diff';
import { describe, expect, it } from 'vitest';
import { analyzeDiff, type ChangedFile } from '../../../shared/manifests/diff.ts';

const emailPatch = [
  '@@ -1,3 +1,5 @@',
  " import { z } from 'zod';",
  '-export const x = 1;',
  '+export function validateEmail(input: string): boolean {',
  '+  return EMAIL_PATTERN.test(input);',
  '+}',
  ' ',
  '@@ -20,2 +23,3 @@ export class Signup {',
  '   run() {',
  '+    this.user_name = normalizeUserName(raw);',
  '   }',
  '\\ No newline at end of file',
].join('\n');

describe('analyzeDiff', () => {
  it('counts hunks and collects added identifiers with their word parts', () => {
    const a = analyzeDiff([
      { filename: 'src/auth/email.ts', status: 'modified', additions: 4, deletions: 1, patch: emailPatch },
    ]);
    expect(a.files).toEqual([
      {
        path: 'src/auth/email.ts',
        status: 'modified',
        isTest: false,
        additions: 4,
        deletions: 1,
        hunks: 2,
        addedIdentifiers: [
          'validateEmail',
          'input',
          'EMAIL_PATTERN',
          'test',
          'user_name',
          'normalizeUserName',
          'raw',
        ],
      },
    ]);
    for (const w of [
      'validateemail',
      'validate',
      'email',
      'email_pattern',
      'pattern',
      'normalizeusername',
      'user',
      'name',
    ]) {
      expect(a.identifiers.has(w), w).toBe(true);
    }
    // Deleted and context lines do not count; keywords are dropped.
    expect(a.identifiers.has('zod')).toBe(false);
    expect(a.identifiers.has('export')).toBe(false);
    expect([...a.pathWords].sort()).toEqual(['auth', 'email', 'src']);
  });

  it('agrees with parse-diff on added lines and hunks', () => {
    const wrapped = `--- a/x\n+++ b/x\n${emailPatch}`;
    const [file] = parseDiff(wrapped);
    expect(file?.chunks).toHaveLength(2);
    expect(file?.additions).toBe(4);
    const mine = analyzeDiff([
      { filename: 'x', status: 'modified', additions: 4, deletions: 1, patch: wrapped },
    ]);
    expect(mine.files[0]?.hunks).toBe(2);
    expect(mine.files[0]?.addedIdentifiers).toContain('validateEmail');
    expect(mine.identifiers.has('zod')).toBe(false);
  });

  it('handles renames, binary files without a patch, and removed files', () => {
    const files: ChangedFile[] = [
      {
        filename: 'src/users/profileCard.tsx',
        previousFilename: 'src/people/avatar.tsx',
        status: 'renamed',
        additions: 0,
        deletions: 0,
      },
      { filename: 'assets/logo.png', status: 'added', additions: 0, deletions: 0 },
      {
        filename: 'src/legacy.ts',
        status: 'removed',
        additions: 0,
        deletions: 2,
        patch: '@@ -1,2 +0,0 @@\n-const oldThing = 1;\n-export {};',
      },
    ];
    const a = analyzeDiff(files);
    expect(a.files.map((f) => [f.path, f.status, f.hunks, f.addedIdentifiers.length])).toEqual([
      ['src/users/profileCard.tsx', 'renamed', 0, 0],
      ['assets/logo.png', 'added', 0, 0],
      ['src/legacy.ts', 'removed', 1, 0],
    ]);
    for (const w of ['users', 'profile', 'card', 'people', 'avatar', 'logo', 'assets', 'legacy']) {
      expect(a.pathWords.has(w), w).toBe(true);
    }
    expect(a.identifiers.size).toBe(0);
  });

  it('marks test files', () => {
    const a = analyzeDiff([
      { filename: 'src/a.test.ts', status: 'added', additions: 0, deletions: 0 },
      { filename: 'src/a.ts', status: 'added', additions: 0, deletions: 0 },
    ]);
    expect(a.files.map((f) => f.isTest)).toEqual([true, false]);
  });

  it('caps identifiers per file and overall', () => {
    const patch = `@@ -0,0 +1,1000 @@\n${Array.from({ length: 1000 }, (_, i) => `+const ident${i} = other${i};`).join('\n')}`;
    const a = analyzeDiff(
      [
        { filename: 'a.ts', status: 'added', additions: 1000, deletions: 0, patch },
        { filename: 'b.ts', status: 'added', additions: 1000, deletions: 0, patch },
      ],
      { perFile: 100, overall: 150, total: 150, lineChars: 400 },
    );
    expect(a.files[0]?.addedIdentifiers).toHaveLength(100);
    expect(a.files[1]?.addedIdentifiers).toHaveLength(50);
    expect(a.identifiers.size).toBeLessThanOrEqual(152);
  });

  it('cuts very long (minified) lines', () => {
    const patch = `@@ -0,0 +1 @@\n+${'abc '.repeat(100)}${'zzzUnique '.repeat(10)}`;
    const a = analyzeDiff([{ filename: 'a.min.js', status: 'added', additions: 1, deletions: 0, patch }]);
    expect(a.identifiers.has('zzzunique')).toBe(false);
  });
});

describe('tagged tests in added lines', () => {
  function tagged(filename: string, lines: string[], start = 1) {
    const patch = `@@ -0,0 +${start},${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}`;
    return analyzeDiff([{ filename, status: 'added', additions: lines.length, deletions: 0, patch }])
      .taggedTests;
  }

  it('reads TypeScript / JavaScript test titles', () => {
    expect(
      tagged(
        'src/email.test.ts',
        [
          "describe('email', () => {",
          "  it('T12::rejects an invalid email', () => {});",
          '  test("T3, T4::accepts plus addressing", () => {});',
          '  it(`form [T5] shows an error`, () => {});',
          "  it('T 6 is not a tag', () => {});",
          '});',
        ],
        10,
      ),
    ).toEqual([
      { tid: 12, file: 'src/email.test.ts', line: 11, name: 'T12::rejects an invalid email' },
      { tid: 3, file: 'src/email.test.ts', line: 12, name: 'T3, T4::accepts plus addressing' },
      { tid: 4, file: 'src/email.test.ts', line: 12, name: 'T3, T4::accepts plus addressing' },
      { tid: 5, file: 'src/email.test.ts', line: 13, name: 'form [T5] shows an error' },
    ]);
  });

  it('reads Python, Go, Java, Ruby and Rust conventions', () => {
    const py = tagged('tests/test_email.py', [
      '@pytest.mark.parametrize("value", ["a@b"], ids=["[T7]"])',
      'def test_valid(value):  # [T8] also covered here',
    ]);
    expect(py.map((t) => [t.tid, t.line])).toEqual([
      [7, 1],
      [8, 2],
    ]);
    const go = tagged('email_test.go', ['\tt.Run("T9::rejects empty", func(t *testing.T) {']);
    expect(go).toEqual([{ tid: 9, file: 'email_test.go', line: 1, name: 'T9::rejects empty' }]);
    const java = tagged('src/test/java/a/EmailTest.java', [
      '  @Tag("assay:T10")',
      '  @DisplayName("T11::trims")',
    ]);
    expect(java.map((t) => [t.tid, t.name])).toEqual([
      [10, 'assay:T10'],
      [11, 'T11::trims'],
    ]);
    const rb = tagged('spec/email_spec.rb', ["  it 'T13::downcases the domain', autoqa: 'x' do"]);
    expect(rb.map((t) => t.tid)).toEqual([13]);
    const rs = tagged('tests/email.rs', ['// autoqa:T14', '#[test] fn t14() {}']);
    expect(rs.map((t) => [t.tid, t.line])).toEqual([[14, 1]]);
  });

  it('ignores look-alikes', () => {
    expect(
      tagged('src/a.ts', [
        'const T12 = 1;',
        'type X = Map<T1, T2>;',
        'arr[T1] = 2;',
        "const s = 'ATT12::no';",
        "log('HTTP2::ok')",
      ]),
    ).toEqual([]);
  });

  it('counts line numbers across hunks, deletions and no-newline markers', () => {
    const patch = [
      '@@ -1,2 +1,2 @@',
      '-old',
      '+new',
      ' same',
      '\\ No newline at end of file',
      '@@ -40,1 +40,2 @@',
      ' ctx',
      "+it('T2::x', () => {})",
    ].join('\n');
    const a = analyzeDiff([{ filename: 'a.test.ts', status: 'modified', additions: 2, deletions: 1, patch }]);
    expect(a.taggedTests).toEqual([{ tid: 2, file: 'a.test.ts', line: 41, name: 'T2::x' }]);
  });
});
