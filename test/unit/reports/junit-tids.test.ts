import { describe, expect, it } from 'vitest';
import { extractTids, normalizeTid, parseTidList } from '../../../shared/reports/junit/index.ts';
import { byName, collect } from './support.ts';

describe('extractTids', () => {
  it('reads a name prefix T12:: and T3,T4::', () => {
    expect(extractTids('T12::rejects an invalid email', '')).toEqual(['T12']);
    expect(extractTids('T3,T4::both', '')).toEqual(['T3', 'T4']);
    expect(extractTids('T3, T4 :: spaced', '')).toEqual(['T3', 'T4']);
  });

  it('reads the prefix after a describe block, a Go subtest slash or a Rust path', () => {
    expect(extractTids('LoginForm T12::rejects', '')).toEqual(['T12']);
    expect(extractTids('LoginForm › T12::rejects', '')).toEqual(['T12']);
    expect(extractTids('TestLogin/T12::rejects', '')).toEqual(['T12']);
    expect(extractTids('tests::T12::rejects', '')).toEqual(['T12']);
  });

  it('does not read a TID glued to other letters or lower-case in a name', () => {
    expect(extractTids('XT12::no', '')).toEqual([]);
    expect(extractTids('t12::no', '')).toEqual([]);
    expect(extractTids('T12: single colon', '')).toEqual([]);
    expect(extractTids('uses T12 somewhere', '')).toEqual([]);
  });

  it('reads [T12] and [T3,T4] anywhere in the name', () => {
    expect(extractTids('test_login[T12]', '')).toEqual(['T12']);
    expect(extractTids('checks [T3,T4] then [T9]', '')).toEqual(['T3', 'T4', 'T9']);
    expect(extractTids('test_param[T12-extra]', '')).toEqual([]);
  });

  it('reads classname autoqa:T12 / assay:T12 (lists too)', () => {
    expect(extractTids('x', 'autoqa:T12')).toEqual(['T12']);
    expect(extractTids('x', 'assay:T12')).toEqual(['T12']);
    expect(extractTids('x', 'Assay:T3,T4')).toEqual(['T3', 'T4']);
    expect(extractTids('x', 'suite.assay:T5')).toEqual(['T5']);
    expect(extractTids('x', 'notassay:T5')).toEqual([]);
  });

  it('reads tid/test_id property values, comma-separated', () => {
    expect(extractTids('x', '', ['T1, T2', 't3', 'junk', 'T4;T5'])).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
  });

  it('dedupes across places and sorts by number', () => {
    expect(extractTids('T10::a [T2] [T10]', 'assay:T2', ['T010', 'T1'])).toEqual(['T1', 'T2', 'T10']);
  });

  it('normalises single ids', () => {
    expect(normalizeTid(' t007 ')).toBe('T7');
    expect(normalizeTid('T')).toBeUndefined();
    expect(parseTidList('T1 T2,,T3')).toEqual(['T1', 'T2', 'T3']);
  });
});

describe('TIDs through the parser', () => {
  it('reads all four places, several per test, deduplicated', async () => {
    const { tests } = await collect(`<testsuites><testsuite name="s">
      <testcase name="T12::prefix" classname="a.B"/>
      <testcase name="T3,T4::list" classname="a.B"/>
      <testcase name="by classname" classname="autoqa:T20"/>
      <testcase name="by assay classname" classname="assay:T21"/>
      <testcase name="bracket [T30] mid-name" classname="a.B"/>
      <testcase name="property" classname="a.B"><properties><property name="tid" value="T40,T41"/></properties></testcase>
      <testcase name="test_id property" classname="a.B"><properties><property name="test_id" value="T42"/><property name="owner" value="T99"/></properties></testcase>
      <testcase name="property text" classname="a.B"><properties><property name="TID">T43</property></properties></testcase>
      <testcase name="T50::everything [T51]" classname="assay:T50"><properties><property name="tid" value="T52, T50"/></properties></testcase>
      <testcase name="none" classname="a.B"/>
    </testsuite></testsuites>`);
    expect(tests.map((t) => [t.name, t.tids])).toEqual([
      ['T12::prefix', ['T12']],
      ['T3,T4::list', ['T3', 'T4']],
      ['by classname', ['T20']],
      ['by assay classname', ['T21']],
      ['bracket [T30] mid-name', ['T30']],
      ['property', ['T40', 'T41']],
      ['test_id property', ['T42']],
      ['property text', ['T43']],
      ['T50::everything [T51]', ['T50', 'T51', 'T52']],
      ['none', []],
    ]);
  });

  it('ignores suite-level properties and properties nested deeper than the testcase', async () => {
    const { tests } =
      await collect(`<testsuite name="s"><properties><property name="tid" value="T1"/></properties>
      <testcase name="x"><system-out><properties><property name="tid" value="T2"/></properties></system-out></testcase></testsuite>`);
    expect(byName(tests, 'x').tids).toEqual([]);
  });
});
