import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, extractCriteria } from '../../../shared/checklists/extract/index.ts';
import { prepareSource, truncateUtf8 } from '../../../shared/checklists/extract/limits.ts';

/*
 * These inputs must not blow up the extractor (stack overflow, quadratic
 * time). How fast it goes is measured in `npm run bench checklist`, not
 * asserted here: the machine running the suite may be shared and slow, and
 * the test timeout already bounds a runaway.
 */

describe('limits', () => {
  it('handles a 1 MB body: parses the first 256 KiB and says it was truncated', () => {
    let body = '## Acceptance criteria\n';
    for (let i = 0; body.length < 1024 * 1024; i += 1) body += `- Criterion number ${i} holds\n`;
    const value = extractCriteria({ body });
    expect(value.items).toHaveLength(DEFAULT_LIMITS.maxItems);
    expect(value.items[0]).toEqual({ text: 'Criterion number 0 holds', source: 'section' });
    expect(value.truncated).toBe(true);
    expect(value.totalFound).toBeGreaterThan(5000);
    expect(value.totalFound).toBeLessThan(12_000);
  });

  it('handles a 10,000-item task list, capping the items', () => {
    const body = Array.from(
      { length: 10_000 },
      (_, i) => `- [${i % 3 === 0 ? 'x' : ' '}] Task ${i} is done`,
    ).join('\n');
    const value = extractCriteria({ body });
    expect(value.items).toHaveLength(200);
    expect(value.items[0]).toEqual({ text: 'Task 0 is done', source: 'tasklist', checked: true });
    expect(value.truncated).toBe(true);
    expect(value.totalFound).toBe(10_000);
  });

  it('handles 1000 levels of nested bullets without overflowing', () => {
    let body = '## AC\n';
    for (let i = 0; i < 1000; i += 1) body += `${'  '.repeat(i)}- level ${i}\n`;
    const value = extractCriteria({ body });
    expect(value.items).toHaveLength(1);
    expect(value.items[0]!.text.startsWith('level 0: level 1 (level 2 (')).toBe(true);
    expect(value.items[0]!.text.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxItemChars);
  });

  it('handles 1000 levels of nested list markers and quotes', () => {
    const markers = Array.from({ length: 1000 }, (_, i) => `${'- '.repeat(i)}level ${i}`).join('\n');
    const quotes = Array.from({ length: 1000 }, (_, i) => `${'>'.repeat(i)} level ${i}`).join('\n');
    for (const body of [markers, quotes]) {
      const value = extractCriteria({ body });
      expect(value.items).toEqual([]);
    }
  });

  it('handles pathological emphasis runs', () => {
    for (const body of [
      '*a'.repeat(100_000),
      `${'*_'.repeat(20_000)}x${'_*'.repeat(20_000)}`,
      '['.repeat(100_000),
    ]) {
      expect(extractCriteria({ body: `## AC\n- ${body}` }).items.length).toBeLessThanOrEqual(1);
    }
  });

  it('handles inputs that would make text clean-up or line rendering slow', () => {
    const bodies = [
      `## AC\n- x${' ;'.repeat(100_000)} y`,
      `## AC\n- ${'**a** '.repeat(1200)}`,
      `Scenario: x\n${'@a '.repeat(50_000)}x`,
      `Expected${':'.repeat(200_000)}`,
      `${'. '.repeat(100_000)}must`,
    ];
    for (const body of bodies) {
      expect(extractCriteria({ body }).items.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxItems);
    }
  });

  it('caps items and reports the total found', () => {
    const body = `## AC\n${Array.from({ length: 30 }, (_, i) => `- Item text ${i} works`).join('\n')}`;
    expect(extractCriteria({ body }, { maxItems: 10 })).toMatchObject({ truncated: true, totalFound: 30 });
    expect(extractCriteria({ body }, { maxItems: 10 }).items).toHaveLength(10);
    expect(extractCriteria({ body }).truncated).toBe(false);
  });

  it('cuts long item texts', () => {
    const { items } = extractCriteria({ body: `## AC\n- ${'word '.repeat(1000)}` }, { maxItemChars: 100 });
    expect(items[0]!.text).toHaveLength(100);
    expect(items[0]!.text.endsWith('…')).toBe(true);
  });

  it('accepts null and empty bodies', () => {
    expect(extractCriteria({ title: null, body: null })).toEqual({
      items: [],
      truncated: false,
      totalFound: 0,
    });
    expect(extractCriteria({})).toEqual({ items: [], truncated: false, totalFound: 0 });
  });
});

describe('truncateUtf8', () => {
  it('never splits a multi-byte character and prefers a line boundary', () => {
    const text = `${'é'.repeat(10)}\n${'漢'.repeat(10)}`;
    expect(truncateUtf8(text, 1000)).toEqual({ text, truncated: false });
    expect(truncateUtf8(text, 30)).toEqual({ text: `${'é'.repeat(10)}\n`, truncated: true });
    expect(truncateUtf8('漢'.repeat(10), 8)).toEqual({ text: '漢漢', truncated: true });
  });
});

describe('prepareSource', () => {
  it('flattens indentation beyond the limit and drops excess container markers', () => {
    const deep = `${' '.repeat(200)}- x`;
    expect(prepareSource(deep, 1024).text).toBe(`${' '.repeat(DEFAULT_LIMITS.maxIndent)}- x`);
    const markers = `${'> '.repeat(50)}x`;
    expect(prepareSource(markers, 1024).text).toBe(`${'> '.repeat(DEFAULT_LIMITS.maxContainerMarkers)}x`);
  });

  it('leaves ordinary text unchanged', () => {
    const text = '## AC\n- a\n  - b\n> quote\n1. one\n';
    expect(prepareSource(text, 1024)).toEqual({ text, truncated: false, plainInline: false });
  });

  it('turns off emphasis parsing when there are too many markers', () => {
    expect(prepareSource('*a'.repeat(10_000), 1 << 20).plainInline).toBe(true);
    expect(prepareSource('* a\n'.repeat(10_000), 1 << 20).plainInline).toBe(false);
  });
});
