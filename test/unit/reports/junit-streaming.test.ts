import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJUnit } from '../../../shared/reports/junit/index.ts';
import { retainedHeapMb } from './heap.ts';
import { collect, counts, fixture, fixturePath, inPieces } from './support.ts';

const dialects = readdirSync(fixturePath('junit')).filter((f) => f.endsWith('.xml'));

describe('chunk boundaries', () => {
  it.each(dialects)('%s: 1-byte chunks give the same result and testcases as one buffer', async (name) => {
    const bytes = fixture(`junit/${name}`);
    const whole = await collect(bytes);
    const bytewise = await collect(inPieces(bytes, 1));
    expect(whole.result.valid).toBe(true);
    expect(bytewise.result).toEqual(whole.result);
    expect(bytewise.tests).toEqual(whole.tests);
  });

  it('text chunks of one character work too, astral characters included', async () => {
    const xml =
      '<testsuite name="𝒮 suite"><testcase name="😀 T5::emoji"><failure message="✗ 𝟘"/></testcase></testsuite>';
    const { result, tests } = await collect([...xml]);
    expect(result).toMatchObject({ valid: true, failed: 1 });
    expect(tests[0]).toMatchObject({ suite: '𝒮 suite', name: '😀 T5::emoji', message: '✗ 𝟘', tids: ['T5'] });
  });
});

describe('encodings', () => {
  it('decodes UTF-16 with a byte-order mark, little and big endian', async () => {
    const xml =
      '\ufeff<?xml version="1.0" encoding="UTF-16"?><testsuite name="é"><testcase name="x"/></testsuite>';
    const le = Buffer.from(xml, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const bytes of [le, be]) {
      const { result, tests } = await collect(inPieces(bytes, 3));
      expect(result).toMatchObject({ valid: true, tests: 1 });
      expect(tests[0]?.suite).toBe('é');
    }
  });

  it('decodes ISO-8859-1 when declared, and UTF-8 with a BOM', async () => {
    const latin = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><testsuite name="caf'),
      Uint8Array.from([0xe9]),
      Buffer.from('"><testcase name="x"/></testsuite>'),
    ]);
    expect((await collect(latin)).tests[0]?.suite).toBe('café');
    const bom = Buffer.concat([
      Uint8Array.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<testsuite name="ü"><testcase/></testsuite>'),
    ]);
    expect((await collect(bom)).tests[0]?.suite).toBe('ü');
  });

  it('accepts character references to control characters (ANSI colours in test output)', async () => {
    const { result, tests } = await collect(
      '<testsuite><testcase name="x"><failure message="&#x1B;[31mred&#x1B;[0m"/></testcase></testsuite>',
    );
    expect(result.valid).toBe(true);
    expect(tests[0]?.message).toBe('\u001b[31mred\u001b[0m');
  });
});

describe('delivery', () => {
  it('awaits an async onTestCase in order before reading on', async () => {
    const seen: string[] = [];
    let reads = 0;
    async function* source(): AsyncGenerator<string> {
      yield '<testsuite>';
      for (let i = 0; i < 5; i++) {
        reads++;
        // Each read happens only after the previous case was handled.
        expect(seen).toHaveLength(i);
        yield `<testcase name="t${i}"/>`;
      }
      yield '</testsuite>';
    }
    const result = await parseJUnit(source(), {
      onTestCase: async (t) => {
        await new Promise((r) => setTimeout(r, 2));
        seen.push(t.name);
      },
    });
    expect(result.valid).toBe(true);
    expect(reads).toBe(5);
    expect(seen).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('counts without building testcases when there is no onTestCase', async () => {
    const result = await parseJUnit(fixture('junit/surefire.xml'));
    expect(counts(result)).toMatchObject({ valid: true, tests: 8, flaky: 3 });
  });
});

describe('memory', () => {
  it('stays flat over a 100,000-testcase stream while testcases are retained by the consumer', async () => {
    const TOTAL = 100_000;
    async function* report(): AsyncGenerator<string> {
      yield '<?xml version="1.0"?><testsuites>';
      for (let s = 0; s < TOTAL / 1000; s++) {
        let chunk = `<testsuite name="suite ${s}">`;
        for (let i = 0; i < 1000; i++) {
          const n = s * 1000 + i;
          chunk +=
            n % 10 === 0
              ? `<testcase classname="pkg.Class${i}" name="T${n % 50}::case number ${n} with a reasonably long name"><failure message="expected ${n}"><![CDATA[${'stack line\n'.repeat(20)}]]></failure><system-out>${'out '.repeat(50)}</system-out></testcase>`
              : `<testcase classname="pkg.Class${i}" name="case number ${n} with a reasonably long name [T${n % 50}]" time="0.01"/>`;
        }
        yield `${chunk}</testsuite>`;
      }
      yield '</testsuites>';
    }
    const before = retainedHeapMb();
    let retainedAtHalf = 0;
    const kept: string[] = [];
    let n = 0;
    const result = await parseJUnit(report(), {
      onTestCase: (t) => {
        n++;
        // A consumer keeping one small string per 10 tests must not pin input chunks.
        if (n % 10 === 0) kept.push(t.name);
        if (n === TOTAL / 2) retainedAtHalf = retainedHeapMb();
      },
    });
    const after = retainedHeapMb();
    expect(result).toMatchObject({ valid: true, tests: TOTAL, failed: TOTAL / 10 });
    expect(kept).toHaveLength(TOTAL / 10);
    // ~20 MB of XML went through; a DOM would hold well over 100 MB.
    expect(retainedAtHalf - before).toBeLessThan(6);
    expect(after - before).toBeLessThan(6);
  });
});
