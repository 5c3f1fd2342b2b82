import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  type CodeHealthResult,
  compareScores,
  computeScore,
  parseCodeHealth,
  parseCodeHealthJson,
  parseCodeHealthStream,
  parseSarif,
  scoreFindings,
} from '../../../shared/reports/code-health/index.ts';
import { truncateText } from '../../../shared/reports/truncate.ts';

const valid = (result: CodeHealthResult) => {
  if (!result.valid) throw new Error(`expected valid, got: ${result.reason}`);
  return result;
};
const reason = (result: CodeHealthResult): string => {
  expect(result.valid).toBe(false);
  return result.valid ? '' : result.reason;
};

const eslintSarif = {
  version: '2.1.0',
  $schema: 'http://json.schemastore.org/sarif-2.1.0-rtm.5',
  runs: [
    {
      tool: {
        driver: {
          name: 'ESLint',
          rules: [
            { id: 'no-unused-vars', shortDescription: { text: 'Disallow unused variables' } },
            { id: 'eqeqeq', defaultConfiguration: { level: 'error' } },
          ],
        },
      },
      artifacts: [{ location: { uri: 'file:///app/src/a%20b.ts' } }],
      results: [
        {
          level: 'warning',
          message: { text: "'x' is assigned a value but never used." },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'file:///app/src/index.ts', index: 0 },
                region: { startLine: 3 },
              },
            },
          ],
          ruleId: 'no-unused-vars',
          ruleIndex: 0,
        },
        {
          message: { text: "Expected '===' and instead saw '=='." },
          locations: [
            {
              physicalLocation: { artifactLocation: { index: 0 }, region: { startLine: 9, startColumn: 4 } },
            },
          ],
          ruleId: 'eqeqeq',
          ruleIndex: 1,
        },
        { ruleId: 'no-debugger', message: { text: 'Unexpected debugger statement.' } },
      ],
    },
  ],
};

const codeqlSarif = {
  version: '2.1.0',
  runs: [
    {
      tool: {
        driver: { name: 'CodeQL', rules: [] },
        extensions: [
          {
            name: 'codeql/javascript-queries',
            rules: [
              {
                id: 'js/sql-injection',
                defaultConfiguration: { level: 'error' },
                properties: { 'security-severity': '8.8' },
                messageStrings: { default: { text: 'This query depends on {0}.' } },
              },
              { id: 'js/unused-local-variable', defaultConfiguration: { level: 'note' } },
              { id: 'js/xss', properties: { 'security-severity': '9.6' } },
            ],
          },
        ],
      },
      results: [
        {
          rule: { id: 'js/sql-injection', index: 0, toolComponent: { index: 0 } },
          message: { id: 'default', arguments: ['a user-provided value'] },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/db.js' }, region: { startLine: 42 } } },
          ],
        },
        {
          ruleId: 'js/unused-local-variable',
          rule: { index: 1, toolComponent: { index: 0 } },
          message: { text: 'Unused variable foo.' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/util.js' }, region: { startLine: 7 } } },
          ],
        },
        { ruleId: 'js/xss', level: 'warning', message: { text: 'XSS' } },
        { ruleId: 'js/xss', message: { text: 'suppressed one' }, suppressions: [{ kind: 'inSource' }] },
        {
          ruleId: 'js/xss',
          message: { text: 'rejected suppression' },
          suppressions: [{ kind: 'external', status: 'rejected' }],
        },
        { ruleId: 'js/passed-check', kind: 'pass', message: { text: 'fine' } },
        { ruleId: 'js/review', kind: 'review', message: { text: 'look at this' } },
      ],
    },
    { tool: { driver: { name: 'empty' } }, results: null },
  ],
};

describe('SARIF 2.1.0', () => {
  it('ESLint: levels, rule default level, artifact index, percent-decoded file URIs', () => {
    const result = valid(parseSarif(JSON.stringify(eslintSarif)));
    expect(result.format).toBe('sarif');
    expect(result.findings).toEqual([
      {
        rule: 'no-unused-vars',
        severity: 'medium',
        file: '/app/src/index.ts',
        line: 3,
        message: "'x' is assigned a value but never used.",
      },
      {
        rule: 'eqeqeq',
        severity: 'high',
        file: '/app/src/a b.ts',
        line: 9,
        message: "Expected '===' and instead saw '=='.",
      },
      { rule: 'no-debugger', severity: 'medium', message: 'Unexpected debugger statement.' },
    ]);
    expect(result.counts).toEqual({ critical: 0, high: 1, medium: 2, low: 0, info: 0 });
  });

  it('CodeQL: rules in extensions, security-severity, message templates, suppressions, kinds', () => {
    const result = valid(parseCodeHealth(JSON.stringify(codeqlSarif)));
    expect(result.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['js/sql-injection', 'high', 'This query depends on a user-provided value.'],
      ['js/unused-local-variable', 'low', 'Unused variable foo.'],
      ['js/xss', 'critical', 'XSS'],
      ['js/xss', 'critical', 'rejected suppression'],
      ['js/review', 'info', 'look at this'],
    ]);
    expect(result.findings[0]).toMatchObject({ file: 'src/db.js', line: 42 });
  });

  it('maps every level', () => {
    const levels = ['error', 'warning', 'note', 'none'].map((level) => ({
      ruleId: level,
      level,
      message: { text: level },
    }));
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: levels }] };
    expect(valid(parseSarif(JSON.stringify(log))).findings.map((f) => f.severity)).toEqual([
      'high',
      'medium',
      'low',
      'info',
    ]);
  });

  it('rejects other versions and broken shapes with the JSON path', () => {
    expect(reason(parseSarif(JSON.stringify({ ...eslintSarif, version: '2.0.0' })))).toMatch(
      /version: only SARIF version 2.1.0 is supported/,
    );
    const badLevel = {
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ level: 'fatal', message: {} }] }],
    };
    expect(reason(parseCodeHealth(JSON.stringify(badLevel)))).toMatch(
      /^invalid SARIF: runs\[0\]\.results\[0\]\.level/,
    );
    expect(reason(parseSarif('{"version":"2.1.0"}'))).toMatch(/runs/);
  });
});

describe('code_health.json', () => {
  it('reads findings and severity synonyms, case-insensitively', () => {
    const json = {
      tool: 'our-linter',
      findings: [
        { rule: 'complexity', severity: 'HIGH', file: 'src/a.ts', line: 12, message: 'too complex' },
        { rule: 'todo', severity: 'info', file: 'src/b.ts', line: null, message: 'TODO left' },
        { rule: 'dup', severity: 'warning', file: 'src/c.ts', line: 0, message: 'duplicate block' },
        { rule: 'secrets', severity: 'Critical', message: 'key in repo' },
        { rule: 'style', severity: 'minor', file: '', line: 4, message: '  spacing  ' },
      ],
    };
    const result = valid(parseCodeHealth(Buffer.from(JSON.stringify(json))));
    expect(result.format).toBe('code-health-json');
    expect(result.findings).toEqual([
      { rule: 'complexity', severity: 'high', file: 'src/a.ts', line: 12, message: 'too complex' },
      { rule: 'todo', severity: 'info', file: 'src/b.ts', message: 'TODO left' },
      { rule: 'dup', severity: 'medium', file: 'src/c.ts', message: 'duplicate block' },
      { rule: 'secrets', severity: 'critical', message: 'key in repo' },
      { rule: 'style', severity: 'low', line: 4, message: 'spacing' },
    ]);
    expect(result.counts).toEqual({ critical: 1, high: 1, medium: 1, low: 1, info: 1 });
    expect(result.score).toBe(computeScore(result.counts));
  });

  it('an empty findings list scores 100', () => {
    expect(valid(parseCodeHealthJson('{"findings":[]}'))).toMatchObject({ findings: [], score: 100 });
  });

  it('invalid: unknown severity, missing fields, wrong types — with the path', () => {
    expect(
      reason(parseCodeHealthJson('{"findings":[{"rule":"a","severity":"urgent","message":"m"}]}')),
    ).toMatch(/^invalid code_health\.json: findings\[0\]\.severity: unknown severity/);
    expect(reason(parseCodeHealthJson('{"findings":[{"severity":"low","message":"m"}]}'))).toMatch(
      /findings\[0\]\.rule/,
    );
    expect(
      reason(parseCodeHealthJson('{"findings":[{"rule":"a","severity":"low","message":"m","line":"3"}]}')),
    ).toMatch(/findings\[0\]\.line/);
    expect(reason(parseCodeHealthJson('{"findings":{}}'))).toMatch(/findings/);
  });
});

describe('input handling', () => {
  it('empty, not JSON, neither format, too large', () => {
    expect(reason(parseCodeHealth(''))).toBe('empty file');
    expect(reason(parseCodeHealth('<testsuite/>'))).toMatch(/^not JSON/);
    expect(reason(parseCodeHealth('[1,2]'))).toMatch(/^not a code-health report/);
    expect(reason(parseCodeHealth('null'))).toMatch(/^not a code-health report/);
    expect(reason(parseCodeHealth('{"findings":[]}', { maxBytes: 5 }))).toMatch(
      /larger than the limit of 5 bytes/,
    );
  });

  it('strips a UTF-8 BOM', () => {
    expect(parseCodeHealth('\ufeff{"findings":[]}').valid).toBe(true);
  });

  it('reads a stream, with the size limit applied while reading', async () => {
    const body = JSON.stringify(eslintSarif);
    const result = await parseCodeHealthStream(Readable.from([body.slice(0, 10), body.slice(10)]));
    expect(valid(result).findings).toHaveLength(3);
    expect(reason(await parseCodeHealthStream(Readable.from([body]), { maxBytes: 100 }))).toMatch(
      /larger than the limit/,
    );
  });
});

describe('score', () => {
  it('is 100 for no findings and ignores info', () => {
    expect(computeScore({})).toBe(100);
    expect(computeScore({ info: 10_000 })).toBe(100);
  });

  it('follows the documented formula and table', () => {
    expect(computeScore({ low: 1 })).toBe(99);
    expect(computeScore({ low: 100 })).toBe(93);
    expect(computeScore({ medium: 10 })).toBe(86);
    expect(computeScore({ high: 1 })).toBe(90);
    expect(computeScore({ high: 3 })).toBe(80);
    expect(computeScore({ critical: 1 })).toBe(75);
    expect(computeScore({ critical: 3 })).toBe(50);
    expect(computeScore({ critical: 1, high: 2, medium: 5, low: 20 })).toBe(44);
    expect(computeScore({ critical: 15 })).toBe(0);
    expect(computeScore({ critical: 1000, high: 1000 })).toBe(0);
  });

  it('has diminishing returns and keeps severities ordered', () => {
    expect(computeScore({ low: 1000 })).toBeGreaterThan(computeScore({ critical: 1 }));
    expect(computeScore({ medium: 2 }) - computeScore({ medium: 3 })).toBeLessThan(
      computeScore({ medium: 0 }) - computeScore({ medium: 1 }),
    );
    for (let n = 0; n < 50; n++)
      expect(computeScore({ high: n + 1 })).toBeLessThanOrEqual(computeScore({ high: n }));
  });

  it('scoreFindings counts severities first', () => {
    expect(scoreFindings([{ severity: 'critical' }, { severity: 'low' }])).toBe(74);
  });

  it('compareScores against the base branch', () => {
    expect(compareScores(80, 90)).toEqual({ current: 80, base: 90, delta: -10, trend: 'regressed' });
    expect(compareScores(95, 90)).toEqual({ current: 95, base: 90, delta: 5, trend: 'improved' });
    expect(compareScores(90, 90)).toMatchObject({ delta: 0, trend: 'unchanged' });
    expect(compareScores(90, null)).toEqual({ current: 90, base: null, delta: null, trend: 'no-base' });
    expect(compareScores(90, undefined).trend).toBe('no-base');
  });
});

describe('truncateText', () => {
  it('trims, cuts with an ellipsis, and never splits a surrogate pair', () => {
    expect(truncateText('  abc  ', 10)).toBe('abc');
    expect(truncateText('   ', 10)).toBeUndefined();
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateText('abc😀de', 6)).toBe('abc😀…');
  });
});
