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

describe('chunk boundaries in every script', () => {
  const options = { targetTokens: 60, overlapTokens: 9 };
  const noReplacement = (texts: string[]) => texts.every((t) => !t.includes('\ufffd'));

  it('cuts unspaced Chinese at clause or sentence marks, never inside a character, each chunk a slice of the source', () => {
    const clause = '用户提交订单之后系统立即发送确认邮件，';
    const sentence = `${clause.repeat(4)}并记录操作日志以便审计。`;
    const text = sentence.repeat(12);
    const chunks = chunkBlocks([{ text, headingPath: ['规格'] }], options);
    expect(chunks.length).toBeGreaterThan(3);
    expect(noReplacement(chunks.map((c) => c.text))).toBe(true);
    for (const chunk of chunks) {
      expect(text).toContain(chunk.text);
      expect(chunk.text).toMatch(/[，。]$/);
      expect(chunk.tokenCount).toBeLessThanOrEqual(62);
    }
  });

  it('cuts a long run without any punctuation between words (Japanese, Thai), and a giant emoji word between graphemes', () => {
    const japanese = 'ユーザーはパスワードを五分以内に再設定できなければならない'.repeat(40);
    const thai = 'ผู้ใช้ต้องสามารถรีเซ็ตรหัสผ่านได้ภายในห้านาที'.repeat(40);
    const emoji = '👩‍👩‍👧‍👦🇫🇷'.repeat(200);
    for (const text of [japanese, thai, emoji]) {
      const chunks = chunkBlocks([{ text, headingPath: [] }], options);
      expect(chunks.length).toBeGreaterThan(2);
      expect(noReplacement(chunks.map((c) => c.text))).toBe(true);
      for (const chunk of chunks) {
        expect(text).toContain(chunk.text);
        expect(chunk.tokenCount).toBeLessThanOrEqual(70);
      }
    }
    // Graphemes stay whole: every emoji chunk is whole families and flags.
    const emojiChunks = chunkBlocks([{ text: emoji, headingPath: [] }], options);
    for (const chunk of emojiChunks) expect(chunk.text).toMatch(/^(👩‍👩‍👧‍👦|🇫🇷)+$/u);
    // Thai is cut between words: no chunk starts with a combining vowel or tone mark.
    for (const chunk of chunkBlocks([{ text: thai, headingPath: [] }], options))
      expect(chunk.text).not.toMatch(/^\p{M}/u);
  });

  it('keeps a replacement character that is in the source', () => {
    const text = `Broken byte \ufffd here. ${'More text follows here. '.repeat(30)}`;
    const chunks = chunkBlocks([{ text, headingPath: [] }], options);
    expect(chunks.map((c) => c.text).join(' ')).toContain('\ufffd');
  });
});
