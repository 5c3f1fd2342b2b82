import { describe, expect, it } from 'vitest';
import { type JUnitTestCase, parseJUnit } from '../../../shared/reports/junit/index.ts';

/** Feeds `text` in pieces of `size` characters. */
function* pieces(text: string, size: number): Generator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

async function cases(source: Parameters<typeof parseJUnit>[0]): Promise<JUnitTestCase[]> {
  const out: JUnitTestCase[] = [];
  const result = await parseJUnit(source, { onTestCase: (t) => void out.push(t) });
  expect(result.valid, result.valid ? '' : result.reason).toBe(true);
  return out;
}

const reasonOf = async (source: Parameters<typeof parseJUnit>[0]): Promise<string> => {
  const result = await parseJUnit(source);
  expect(result.valid).toBe(false);
  return result.valid ? '' : result.reason;
};

const REPORT = [
  '\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
  '<!-- generated - by a tool -->',
  '<?xml-stylesheet href="junit.xsl"?>',
  '<ns2:testsuites xmlns:ns2="urn:x">',
  '  <testsuite name=\'Süite &amp; co\' time="1.5">',
  '    <testcase classname="a.B" name="multi\nline\tname &lt;x&gt; &#x1B;[31m" time="0.25" file="src/b.ts" line="7">',
  '      <failure type="E"><![CDATA[first ]]]]><![CDATA[> part]]>\r\n  &amp; more</failure>',
  '      <system-out>a ] b ]] c &#169; 😀 \u2028 line</system-out>',
  '    </testcase>',
  '    <testcase name="T4::emoji 😀 name" classname="c"><flakyFailure message="once"/></testcase>',
  '    <testcase name="p"><properties><property name="tid" value="T9"/><property name="test_id">T10</property></properties></testcase>',
  '  </testsuite>',
  '</ns2:testsuites>',
  '',
].join('\n');

describe('the XML scanner under parseJUnit', () => {
  it('reads the same records whatever the chunk boundaries', async () => {
    const whole = await cases(REPORT);
    expect(whole.map((t) => [t.name, t.status, t.flaky, t.message, t.tids])).toEqual(
      [
        // Attribute values: line ends and tabs become spaces, references resolve (XML §3.3.3).
        ['multi line name <x> \u001b[31m', 'failed', false, 'first ]]> part\n  & more'],
        ['T4::emoji 😀 name', 'passed', true, 'once'],
        ['p', 'passed', false, undefined],
      ].map(([name, status, flaky, message], i) => [name, status, flaky, message, whole[i]?.tids]),
    );
    expect(whole[1]?.tids).toEqual(['T4']);
    expect(whole[2]?.tids).toEqual(['T9', 'T10']);
    expect(whole[0]).toMatchObject({
      suite: 'Süite & co',
      classname: 'a.B',
      file: 'src/b.ts',
      line: 7,
      durationMs: 250,
    });
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      expect(await cases(pieces(REPORT, size)), `pieces of ${size}`).toEqual(whole);
    }
    // Bytes cut inside multi-byte characters too.
    const bytes = Buffer.from(REPORT, 'utf8');
    for (const size of [1, 3, 7]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      expect(await cases(chunks), `bytes in pieces of ${size}`).toEqual(whole);
    }
  });

  it('refuses what is not well-formed, wherever the chunks fall', async () => {
    const bad: [string, RegExp][] = [
      ['<testsuite><testcase name="a"/>x ]]> y</testsuite>', /"\]\]>" is disallowed/],
      ['<testsuite><!-- a -- b --><testcase/></testsuite>', /malformed comment/],
      ['<testsuite><testcase name="a&b"/></testsuite>', /entity name/],
      ['<testsuite><testcase name="a<b"/></testsuite>', /disallowed character/],
      ['<testsuite>AT&T</testsuite>', /entity name/],
      ['<testsuite>&#0;</testsuite>', /malformed character entity/],
      ['<testsuite>&nbsp;</testsuite>', /undefined entity/],
      ['<testsuite a="1"b="2"/>', /whitespace between attributes/],
      ['<testsuite a="1" a=\'2\'/>', /duplicate attribute: a/],
      ['<testsuite a/>', /attribute without value/],
      ['<testsuite/>trailing', /outside of root/],
      ['<?xml version="2.0"?><testsuite/>', /version/],
      ['<?xml version="1.0" encoding=?><testsuite/>', /XML declaration/],
      [' <?xml version="1.0"?><testsuite/>', /XML declaration must be at the start/],
      ['<?xmlfoo="1"?><testsuite/>', /processing instruction/],
      ['<testsuite>\u0007</testsuite>', /disallowed character/],
      ['<testsuite>\u0085\u0086</testsuite>', /disallowed character/],
      ['<testsuite>\udc00</testsuite>', /disallowed character/],
      ['<testsuite><![CDATA[never closed</testsuite>', /^truncated XML/],
      ['<testsuite><testcase name="x"', /^truncated XML/],
    ];
    for (const [xml, reason] of bad) {
      for (const size of [xml.length, 1, 4]) {
        expect(await reasonOf(pieces(xml, size)), `${xml} in pieces of ${size}`).toMatch(reason);
      }
    }
  });

  it('says where: line and column of the fault', async () => {
    const xml =
      '<testsuites>\n  <testsuite name="s">\n    <testcase name="a"/>\n    <testcase name="b" x="1" x="2"/>\n  </testsuite>\n</testsuites>';
    for (const size of [xml.length, 5]) {
      expect(await reasonOf(pieces(xml, size))).toMatch(/duplicate attribute: x \(line 4, column \d+\)/);
    }
    const truncated = '<testsuites>\n<testsuite>\n<testcase name="a">\n<failure>boom';
    expect(await reasonOf(truncated)).toBe(
      'truncated XML: the file ends inside <failure> (line 4, column 14)',
    );
  });

  it('passes text of any length through without holding it', async () => {
    async function* big(): AsyncGenerator<string> {
      yield '<testsuite><testcase name="x"><failure>';
      for (let i = 0; i < 200; i++) yield `${'stack frame line\n'.repeat(1000)}`;
      yield '</failure><system-out><![CDATA[';
      for (let i = 0; i < 200; i++) yield `${'log ]] line\n'.repeat(1000)}`;
      yield ']]></system-out></testcase></testsuite>';
    }
    const [test] = await cases(big());
    expect(test?.status).toBe('failed');
    expect(test?.message?.startsWith('stack frame line\nstack frame line')).toBe(true);
    expect(test?.message?.length).toBeLessThanOrEqual(2000);
  });

  it('calls back in document order, one call at a time, awaiting promises', async () => {
    const xml = `<testsuite>${Array.from({ length: 50 }, (_, i) => `<testcase name="t${i}"/>`).join('')}</testsuite>`;
    const seen: string[] = [];
    let inFlight = 0;
    const result = await parseJUnit(pieces(xml, 100), {
      onTestCase: async (t) => {
        inFlight++;
        expect(inFlight).toBe(1);
        if (Number(t.name.slice(1)) % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        seen.push(t.name);
        inFlight--;
      },
    });
    expect(result).toMatchObject({ valid: true, tests: 50 });
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`));
  });

  it('rejects with what a callback threw, sync or async, rather than calling the file invalid', async () => {
    const xml = '<testsuite><testcase name="a"/><testcase name="b"/></testsuite>';
    const boom = new Error('consumer failed');
    await expect(
      parseJUnit(xml, {
        onTestCase: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    await expect(parseJUnit(xml, { onTestCase: async () => Promise.reject(boom) })).rejects.toBe(boom);
  });
});
