import { describe, expect, it } from 'vitest';
import { splitIntoChunks } from '../../../shared/checklists/extract/chunks.ts';
import { extractCriteria } from '../../../shared/checklists/extract/index.ts';
import { parseMarkdown } from '../../../shared/checklists/extract/parse.ts';

describe('splitIntoChunks', () => {
  it('keeps short documents whole', () => {
    expect(splitIntoChunks('# a\n\nb', 100)).toEqual([{ text: '# a\n\nb', offset: 0, line: 0 }]);
  });

  it('splits at a blank line followed by a column-0 line, and the pieces rejoin exactly', () => {
    const text = Array.from({ length: 50 }, (_, i) => `Paragraph ${i} text.\n`).join('\n');
    const chunks = splitIntoChunks(text, 100);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    for (const c of chunks) expect(text.slice(c.offset, c.offset + c.text.length)).toBe(c.text);
    for (const c of chunks.slice(1)) expect(text.slice(0, c.offset).split('\n').length - 1).toBe(c.line);
  });

  it('never splits inside fenced code or HTML comment blocks', () => {
    const fenced = `\`\`\`\n${'x\n\ny\n'.repeat(100)}\`\`\`\n`;
    expect(splitIntoChunks(fenced, 50)).toHaveLength(1);
    const comment = `<!--\n${'x\n\ny\n'.repeat(100)}-->\n`;
    expect(splitIntoChunks(comment, 50)).toHaveLength(1);
  });

  it('gives positions relative to the whole document', () => {
    const text = `${'Filler paragraph.\n\n'.repeat(2000)}## AC\n- last\n`;
    const root = parseMarkdown(text);
    const heading = root.children.find((n) => n.type === 'heading');
    expect(heading?.position?.start.offset).toBe(text.indexOf('## AC'));
    expect(heading?.position?.start.line).toBe(4001);
  });

  it('extracts the same items from a long document as from its parts', () => {
    const part = (i: number): string =>
      `## Acceptance criteria (part ${i})\n\n- Item ${i} a\n- Item ${i} b\n\n${'Prose. '.repeat(80)}\n\n`;
    const parts = Array.from({ length: 60 }, (_, i) => part(i));
    const whole = extractCriteria({ body: parts.join('') }).items.map((i) => i.text);
    const separately = parts.flatMap((p) => extractCriteria({ body: p }).items.map((i) => i.text));
    expect(whole).toEqual(separately);
    expect(whole).toHaveLength(120);
  });
});
