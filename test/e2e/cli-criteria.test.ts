import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-cli-criteria-'));
/** A data directory that must never be created: `criteria` does not open the database. */
const dataDir = join(dir, 'no-database-here');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function env(): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = { ...process.env, ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: 'SILENT' };
  delete vars.DATABASE_URL;
  return vars;
}

/** Runs `npx assay …` as a user would. */
function assay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand('npx', ['assay', ...args], { env: env() });
}

/** Runs `npx assay …` with `input` on standard input. */
function assayWithInput(args: string[], input: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['assay', ...args], {
      cwd: join(import.meta.dirname, '../..'),
      env: env(),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
    child.stdin.end(input);
  });
}

/** An issue template, partly filled in, the way a template author checks it. */
const TEMPLATE = [
  '## Description',
  'Shoppers lose their cart when the session expires.',
  '',
  '## Acceptance criteria',
  '- [ ] Given [context], when [action], then [expected result]',
  '- [ ] As a [role] I want [feature] so that [benefit]',
  '- [ ] The cart survives a session timeout',
  '- [x] returns [] for an empty cart',
  '',
  '| Given | When | Then |',
  '|---|---|---|',
  '| a locked account | the admin unlocks it | the account is unlocked |',
  '',
  '<details><summary>Critères d’acceptation</summary>',
  '',
  '- _*Étant donné*_ un panier plein',
  '- _*Lorsque*_ la session expire',
  '- _*Alors*_ le panier est conservé',
  '',
  '</details>',
  '',
  '## Notes',
  '- not a criterion',
].join('\n');

describe('npx assay criteria <file.md>', () => {
  it('prints the criteria Assay extracts from an issue body, as JSON with their sources', async () => {
    const result = await assay(['criteria', file('template.md', TEMPLATE)]);
    expect(result.stderr.split('\n').filter((line) => line && !line.startsWith('npm warn'))).toEqual([]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { items: { text: string; source: string }[] };
    expect(output.items).toEqual([
      { text: 'The cart survives a session timeout', source: 'section', checked: false },
      { text: 'returns [] for an empty cart', source: 'section', checked: true },
      {
        text: 'Given a locked account; When the admin unlocks it; Then the account is unlocked',
        source: 'section',
      },
      {
        text: 'Étant donné un panier plein; Lorsque la session expire; Alors le panier est conservé',
        source: 'gherkin',
      },
    ]);
    expect(output).toMatchObject({ totalFound: 4, truncated: false });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('reads the title with --title when the body has no criteria', async () => {
    const titled = await assay([
      'criteria',
      file('plain.md', 'Some background.\n\nThe export should include the header row.'),
      '--title',
      'Exports must be UTF-8',
    ]);
    expect(titled.code).toBe(0);
    expect(JSON.parse(titled.stdout).items).toEqual([
      { text: 'Exports must be UTF-8', source: 'modal' },
      { text: 'The export should include the header row.', source: 'modal' },
    ]);
  });

  it('reads a UTF-16 file and standard input', async () => {
    const utf16 = Buffer.from('\ufeff## Akzeptanzkriterien\n- Der Export enthält die Kopfzeile\n', 'utf16le');
    const fromUtf16 = await assay(['criteria', file('utf16.md', utf16)]);
    expect(fromUtf16.code).toBe(0);
    expect(JSON.parse(fromUtf16.stdout).items).toEqual([
      { text: 'Der Export enthält die Kopfzeile', source: 'section' },
    ]);

    const piped = await assayWithInput(['criteria', '-'], '## AC\n- piped in\n');
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout).items).toEqual([{ text: 'piped in', source: 'section' }]);
  });

  it('exits 2 with { error } for a file it cannot read, and 1 for bad arguments', async () => {
    for (const path of [
      join(dir, 'missing.md'),
      dir,
      file('binary.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x00, 0xc3])),
    ]) {
      const result = await assay(['criteria', path]);
      expect({ path, code: result.code }).toEqual({ path, code: 2 });
      const output = JSON.parse(result.stdout) as { error: string };
      expect(Object.keys(output)).toEqual(['error']);
      expect(output.error).toContain(path === dir ? 'not a file' : path);
    }
    const noFile = await assay(['criteria']);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toContain('assay criteria <file.md>');
    expect((await assay(['criteria', file('x.md', '- a'), '--title'])).code).toBe(1);
    expect(existsSync(dataDir)).toBe(false);
  });
});
