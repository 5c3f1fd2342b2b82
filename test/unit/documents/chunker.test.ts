import { describe, expect, it } from 'vitest';
import { chunkBlocks } from '../../../shared/documents/chunker.ts';
import type { DocumentBlock } from '../../../shared/documents/document-types.ts';
import { countTokens } from '../../../shared/documents/tokens.ts';

const sentence = (i: number) =>
  `Requirement ${i} says the system records every change with its author and time.`;

describe('chunkBlocks', () => {
  it('gives every section its own chunks, carrying its heading path and first page', () => {
    const blocks: DocumentBlock[] = [
      { text: 'Intro paragraph.', headingPath: ['Spec'], page: 1 },
      { text: 'Users log in.', headingPath: ['Spec', 'Login'], page: 1 },
      { text: '- Lock after five failures', headingPath: ['Spec', 'Login'], page: 2 },
      { text: 'Invoices monthly.', headingPath: ['Spec', 'Billing'], page: 3 },
    ];
    const chunks = chunkBlocks(blocks);
    expect(chunks).toEqual([
      {
        ordinal: 0,
        headingPath: ['Spec'],
        text: 'Intro paragraph.',
        tokenCount: countTokens('Intro paragraph.'),
        page: 1,
      },
      {
        ordinal: 1,
        headingPath: ['Spec', 'Login'],
        text: 'Users log in.\n\n- Lock after five failures',
        tokenCount: countTokens('Users log in.\n\n- Lock after five failures'),
        page: 1,
      },
      {
        ordinal: 2,
        headingPath: ['Spec', 'Billing'],
        text: 'Invoices monthly.',
        tokenCount: countTokens('Invoices monthly.'),
        page: 3,
      },
    ]);
  });

  it('splits a long section between whole blocks near the target, repeating the previous tail (~15 %)', () => {
    const blocks: DocumentBlock[] = Array.from({ length: 60 }, (_, i) => ({
      text: `${sentence(i)} ${sentence(i + 1000)}`,
      headingPath: ['Audit'],
    }));
    const chunks = chunkBlocks(blocks, { targetTokens: 200, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(5);
    const texts = blocks.map((b) => b.text);
    chunks.forEach((chunk, i) => {
      expect(chunk.tokenCount).toBeLessThanOrEqual(200);
      expect(chunk.headingPath).toEqual(['Audit']);
      const [first, ...rest] = chunk.text.split('\n\n');
      // Blocks stay whole; only the opening overlap may be the closing sentences of the previous chunk.
      for (const part of rest) expect(texts).toContain(part);
      if (i === 0) expect(texts).toContain(first);
      else {
        const previous = chunks[i - 1]?.text as string;
        expect(previous.endsWith(first as string)).toBe(true);
        expect(rest.length).toBeGreaterThan(0);
      }
    });
    // Every block appears in some chunk, in order.
    const firstSeen = blocks.map((b) => chunks.findIndex((c) => c.text.includes(b.text)));
    expect(
      firstSeen.every((index, i) => index >= 0 && (i === 0 || index >= (firstSeen[i - 1] as number))),
    ).toBe(true);
  });

  it('splits one oversized paragraph between sentences, and one endless sentence between tokens', () => {
    const paragraph = Array.from({ length: 80 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkBlocks([{ text: paragraph, headingPath: [] }], {
      targetTokens: 150,
      overlapTokens: 20,
    });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(150);
      expect(chunk.text).toMatch(/^Requirement \d+/);
      expect(chunk.text).toMatch(/time\.$/);
    }
    const endless = 'word '.repeat(1000);
    const pieces = chunkBlocks([{ text: endless, headingPath: ['x'] }], {
      targetTokens: 100,
      overlapTokens: 15,
    });
    expect(pieces.length).toBeGreaterThanOrEqual(10);
    for (const chunk of pieces) expect(chunk.tokenCount).toBeLessThanOrEqual(101);
  });
});
