import { describe, expect, it } from 'vitest';
import {
  type CodeHealthResult,
  parseCodeHealth,
  severityFromSecurityScore,
} from '../../../shared/reports/code-health/index.ts';

const valid = (result: CodeHealthResult) => {
  if (!result.valid) throw new Error(`expected valid, got: ${result.reason}`);
  return result;
};

type Json = Record<string, unknown>;

/** A SARIF log with one run of `rules` and `results`; raw text so integers past 2^53 survive as written. */
function sarif(results: Json[], rules: Json[] = [], extra: Json = {}): string {
  return JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'tool', rules } }, results, ...extra }],
  });
}

const location = (uri: string, startLine: unknown = 3) => ({
  physicalLocation: { artifactLocation: { uri }, region: { startLine } },
});

describe('SARIF integers the validator cannot use do not invalidate the report', () => {
  it('keeps results whose ruleIndex is 2^64 − 1, whose artifact index is −1 and whose line is past 2^53', () => {
    const rules = [
      { id: 'js/sql-injection', properties: { 'security-severity': '8.8' } },
      { id: 'js/xss', defaultConfiguration: { level: 'note' } },
    ];
    const text = sarif(
      [
        { ruleId: 'js/xss', ruleIndex: 1, message: { text: 'marker-index' }, locations: [location('a.ts')] },
        {
          ruleId: 'js/sql-injection',
          ruleIndex: 1,
          message: { text: 'marker-index' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'b.ts', index: 1 } } }],
        },
        {
          ruleId: 'js/xss',
          ruleIndex: 1,
          message: { text: 'marker-line' },
          locations: [location('c.ts', 1)],
        },
      ],
      rules,
      { artifacts: [{ location: { uri: 'zero.ts' } }] },
    )
      // Written as raw text: JSON.stringify could not produce these.
      .replace(
        '"ruleIndex":1,"message":{"text":"marker-index"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.ts"}',
        '"ruleIndex":18446744073709551615,"message":{"text":"marker-index"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.ts"}',
      )
      .replace('"uri":"b.ts","index":1', '"uri":"b.ts","index":-1')
      .replace('"startLine":1', '"startLine":9007199254740993');
    expect(text).toContain('18446744073709551615');
    expect(text).toContain('"index":-1');
    expect(text).toContain('9007199254740993');
    const result = valid(parseCodeHealth(text));
    expect(result.findings).toEqual([
      // The unusable ruleIndex falls back to ruleId: js/xss is a note → low.
      { rule: 'js/xss', severity: 'low', file: 'a.ts', line: 3, message: 'marker-index' },
      // ruleIndex 1 disagrees with ruleId; the artifact index −1 is ignored (the uri stays).
      {
        rule: 'js/sql-injection',
        severity: 'high',
        file: 'b.ts',
        message: 'marker-index',
        ruleIndexMismatch: { ruleIndex: 1, ruleIdAtIndex: 'js/xss' },
      },
      // The line past 2^53 is dropped, the finding kept.
      { rule: 'js/xss', severity: 'low', file: 'c.ts', message: 'marker-line' },
    ]);
  });

  it('ignores every other unusable integer: negative or fractional indexes, strings, nulls, and fields Assay does not read', () => {
    const rules = [{ id: 'r0' }, { id: 'r1', defaultConfiguration: { level: 'error' } }];
    const odd = [-1, 1.5, '1', null, true, 2 ** 60, Number.MAX_SAFE_INTEGER + 2];
    const results = odd.map((value, i) => ({
      ruleIndex: value,
      rule: { index: value, toolComponent: { index: value } },
      message: { text: `m${i}` },
      rank: -5,
      occurrenceCount: 1e300,
      locations: [
        {
          physicalLocation: {
            artifactLocation: { index: value },
            region: {
              startLine: value,
              startColumn: -1,
              endLine: 1e300,
              charOffset: -1,
              byteLength: 2 ** 70,
            },
          },
        },
      ],
    }));
    const result = valid(
      parseCodeHealth(
        sarif(results, rules, {
          artifacts: [{ location: { uri: 'x.ts' }, length: -1, offset: -1, parentIndex: -1 }],
          threadFlowLocations: [{ index: -1, executionOrder: -1, nestingLevel: -1 }],
        }),
      ),
    );
    expect(result.findings).toHaveLength(odd.length);
    for (const finding of result.findings) {
      expect(finding).toEqual({ rule: 'unknown', severity: 'medium', message: finding.message });
    }
  });

  it('still resolves good indexes: an extension rule, an artifact, a line', () => {
    const result = valid(
      parseCodeHealth(
        JSON.stringify({
          version: '2.1.0',
          runs: [
            {
              tool: {
                driver: { name: 'CodeQL' },
                extensions: [
                  { name: 'pack', rules: [{ id: 'js/eval', properties: { 'security-severity': 9.5 } }] },
                ],
              },
              artifacts: [{ location: { uri: 'src/e.ts' } }],
              results: [
                {
                  rule: { index: 0, toolComponent: { index: 0 } },
                  message: { text: 'eval' },
                  locations: [
                    { physicalLocation: { artifactLocation: { index: 0 }, region: { startLine: 7 } } },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(result.findings).toEqual([
      { rule: 'js/eval', severity: 'critical', file: 'src/e.ts', line: 7, message: 'eval' },
    ]);
  });
});

describe('ruleIndex that disagrees with ruleId', () => {
  const rules = [
    {
      id: 'low-rule',
      defaultConfiguration: { level: 'note' },
      messageStrings: { default: { text: 'low rule says {0}' } },
    },
    {
      id: 'high-rule',
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '9.1' },
      messageStrings: { default: { text: 'high rule says {0}' } },
    },
  ];

  it('lets the rule whose id is ruleId decide level, security-severity and message, and records the disagreement', () => {
    const result = valid(
      parseCodeHealth(
        sarif(
          [
            { ruleId: 'high-rule', ruleIndex: 0, message: { id: 'default', arguments: ['x'] } },
            { ruleId: 'low-rule', ruleIndex: 1, message: { id: 'default', arguments: ['y'] } },
            { rule: { id: 'high-rule', index: 0 }, message: { id: 'default', arguments: ['z'] } },
            { ruleId: 'high-rule', ruleIndex: 1, message: { id: 'default', arguments: ['agree'] } },
          ],
          rules,
        ),
      ),
    );
    expect(result.findings).toEqual([
      {
        rule: 'high-rule',
        severity: 'critical',
        message: 'high rule says x',
        ruleIndexMismatch: { ruleIndex: 0, ruleIdAtIndex: 'low-rule' },
      },
      {
        rule: 'low-rule',
        severity: 'low',
        message: 'low rule says y',
        ruleIndexMismatch: { ruleIndex: 1, ruleIdAtIndex: 'high-rule' },
      },
      {
        rule: 'high-rule',
        severity: 'critical',
        message: 'high rule says z',
        ruleIndexMismatch: { ruleIndex: 0, ruleIdAtIndex: 'low-rule' },
      },
      { rule: 'high-rule', severity: 'critical', message: 'high rule says agree' },
    ]);
  });

  it('uses none of the indexed rule when no rule carries the ruleId, and still records the disagreement', () => {
    const result = valid(
      parseCodeHealth(sarif([{ ruleId: 'other', ruleIndex: 1, message: { text: 'm' } }], rules)),
    );
    expect(result.findings).toEqual([
      {
        rule: 'other',
        severity: 'medium',
        message: 'm',
        ruleIndexMismatch: { ruleIndex: 1, ruleIdAtIndex: 'high-rule' },
      },
    ]);
  });
});

describe('baselineState', () => {
  const result = (state: string | undefined, level: string, text: string) => ({
    ruleId: `rule-${text}`,
    level,
    message: { text },
    ...(state === undefined ? {} : { baselineState: state }),
  });

  it('drops absent results from findings and score, keeps new / unchanged / updated, and counts the new ones', () => {
    const kept = [
      result('new', 'error', 'a'),
      result('unchanged', 'warning', 'b'),
      result('updated', 'note', 'c'),
      result('new', 'note', 'f'),
    ];
    const fixed = [result('absent', 'error', 'd'), result('absent', 'error', 'e')];
    const withAbsent = valid(parseCodeHealth(sarif([...kept.slice(0, 3), ...fixed, kept[3]!])));
    expect(withAbsent.findings.map((f) => [f.message, f.baselineState])).toEqual([
      ['a', 'new'],
      ['b', 'unchanged'],
      ['c', 'updated'],
      ['f', 'new'],
    ]);
    expect(withAbsent.counts).toEqual({ critical: 0, high: 1, medium: 1, low: 2, info: 0 });
    expect(withAbsent.newFindings).toBe(2);
    const withoutAbsent = valid(parseCodeHealth(sarif(kept)));
    // Fixed results do not lower the score.
    expect(withAbsent.score).toBe(withoutAbsent.score);
  });

  it('reports newFindings only when the file carries baseline states (0 when all are absent); unknown states are ignored', () => {
    expect(valid(parseCodeHealth(sarif([result(undefined, 'error', 'a')]))).newFindings).toBeUndefined();
    const allFixed = valid(parseCodeHealth(sarif([result('absent', 'error', 'a')])));
    expect(allFixed).toMatchObject({ findings: [], newFindings: 0, score: 100 });
    const odd = valid(parseCodeHealth(sarif([result('brand-new', 'error', 'a')])));
    expect(odd.findings).toEqual([{ rule: 'rule-a', severity: 'high', message: 'a' }]);
  });
});

describe('security-severity strings', () => {
  it.each([
    '',
    ' ',
    'undefined',
    'null',
    'n/a',
    'N/A',
    'none',
    'high',
    '0',
    '0.0',
    '0.05',
    '-1',
    '7.5abc',
    'NaN',
    'Infinity',
  ])('%j is no security severity', (value) => {
    expect(severityFromSecurityScore(value)).toBeUndefined();
  });

  it.each([
    ['0.1', 'low'],
    ['3.9', 'low'],
    ['4', 'medium'],
    [' 7.0 ', 'high'],
    ['9.8', 'critical'],
    [10, 'critical'],
    [5.5, 'medium'],
  ] as const)('%j is %s', (value, severity) => {
    expect(severityFromSecurityScore(value)).toBe(severity);
  });

  it.each([0, Number.NaN, -3, null, true])('%j (not a string) is no security severity either', (value) => {
    expect(severityFromSecurityScore(value)).toBeUndefined();
  });

  it('falls back to the level for results whose security-severity is not a usable number', () => {
    const values = ['', ' ', 'undefined', 'null', 'n/a', '0', '0.0'];
    const findings = valid(
      parseCodeHealth(
        sarif(
          values.map((value, i) => ({
            ruleId: `r${i}`,
            level: i % 2 === 0 ? 'error' : 'note',
            message: { text: `m${i}` },
            properties: { 'security-severity': value },
          })),
        ),
      ),
    ).findings;
    expect(findings.map((f) => f.severity)).toEqual(['high', 'low', 'high', 'low', 'high', 'low', 'high']);
    // On the rule too: the rule's unusable score falls back to the result's level, not `info`.
    const onRule = valid(
      parseCodeHealth(
        sarif(
          [{ ruleId: 'r', message: { text: 'm' } }],
          [{ id: 'r', defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '0.0' } }],
        ),
      ),
    );
    expect(onRule.findings[0]?.severity).toBe('high');
  });
});
