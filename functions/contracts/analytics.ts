import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { uuid } from '../../shared/text/uuid.ts';
import { defineRoute } from '../kit/route-contract.ts';
import { repoParams } from './params.ts';

/** `?flaky`, `?flaky=true`, `?flaky=1` → true; `false` / `0` → false. */
const flag = z
  .enum(['', 'true', '1', 'false', '0'])
  .optional()
  .transform((value) => value !== undefined && value !== 'false' && value !== '0');

/** The days a metrics range may name: Unix epoch to the end of year 2999 (later days overflow day arithmetic). */
export const FIRST_DAY = '1970-01-01';
export const LAST_DAY = '2999-12-31';

/** A UTC calendar day, `YYYY-MM-DD`, from {@link FIRST_DAY} to {@link LAST_DAY}. */
export const utcDay = text()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD (UTC)')
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    'a calendar day',
  )
  .refine((value) => value >= FIRST_DAY && value <= LAST_DAY, `a day from ${FIRST_DAY} to ${LAST_DAY}`);

const status = z.enum(['passed', 'failed', 'errored', 'skipped']);

export const testSchema = z
  .object({
    id: uuid(),
    suite: text(),
    classname: text(),
    name: text(),
    file: text()
      .nullable()
      .describe(
        "The test's file (repository-relative where it could be mapped); part of its identity when given",
      ),
    truncated: z
      .boolean()
      .describe('A part was longer than 1,000 characters and is shown cut (the identity covers it whole)'),
    tids: z.array(text()),
    runs: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int().describe('Failed or errored'),
    skipped: z.number().int(),
    failureRate: z.number().describe('failed / (runs − skipped), over the window'),
    flakyRate: z
      .number()
      .describe('Commits on which it was flaky / commits on which it ran, over the window'),
    flaky: z.boolean().describe('Flaky on at least one commit within the window'),
    lastStatus: status.nullable(),
    lastSeenAt: z.iso.datetime().nullable(),
    lastFailedAt: z.iso
      .datetime()
      .nullable()
      .describe('When its result in a report (the last attempt) last failed or errored'),
    medianDurationMs: z.number().int().nullable().describe('Median of its latest 50 durations'),
  })
  .meta({ id: 'Test' });

export const getRepoTests = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/tests',
  auth: 'session',
  action: 'tests:read',
  orgParam: 'owner',
  summary: "A repository's tests with failure and flaky rates",
  description:
    'Every test seen in a processed JUnit report (identity: suite + classname + name, normalised, and the file ' +
    'when the report gives one), by name, ' +
    'cursor-paginated. Counts and rates cover the last `ASSAY_FLAKY_WINDOW_DAYS` UTC days (`windowDays`). ' +
    'A test is flaky on a commit when it passed and failed (or errored) there — across every report of the ' +
    'commit: retries, matrix jobs, re-runs — or passed only after a retry. `flaky` keeps tests flaky within ' +
    'the window, `failing` those whose latest result failed or errored, `branch` counts one branch only, ' +
    '`q` matches suite, classname or name, `path` keeps tests whose file starts with it. `sort` orders by ' +
    'failure rate, flaky rate, median duration or last failure (ties by id); the cursor stays stable under ' +
    'any order and is refused by another.',
  tags: ['analytics'],
  params: repoParams,
  query: z.object({
    flaky: flag,
    failing: flag,
    branch: text().min(1).max(255).optional(),
    q: text().min(1).max(200).optional(),
    path: text()
      .min(1)
      .max(1_000)
      .optional()
      .describe('Only tests whose file (repository path) starts with this, e.g. `src/checkout/`'),
    sort: z
      .enum(['name', 'failureRate', 'flakyRate', 'medianDuration', 'lastFailure'])
      .default('name')
      .describe('Order: by name (default), failure rate, flaky rate, median duration or last failure'),
    order: z
      .enum(['asc', 'desc'])
      .optional()
      .describe(
        'Default `asc` for `name`, `desc` (worst, slowest, latest first) for the others; no value last',
      ),
    cursor: text().max(2_000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({
    tests: z.array(testSchema),
    windowDays: z.number().int(),
    nextCursor: text().nullable(),
  }),
});

export const getRepoTestHistory = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/tests/{testId}/history',
  auth: 'session',
  action: 'tests:read',
  orgParam: 'owner',
  summary: "One test's results, newest first",
  description: 'Each result with its commit, branch, pull request and CI run; cursor-paginated.',
  tags: ['analytics'],
  params: repoParams.extend({ testId: uuid() }),
  query: z.object({
    cursor: text().max(20).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: z.object({
    test: testSchema,
    results: z.array(
      z.object({
        status,
        durationMs: z.number().int().nullable(),
        retried: z.boolean().describe('Passed only after a retry in its report'),
        superseded: z
          .boolean()
          .describe(
            'An earlier attempt of a test repeated in its report (a retry); a later attempt is its result',
          ),
        sha: text(),
        branch: text().nullable(),
        pullNumber: z.number().int().nullable(),
        runId: text(),
        uploadId: uuid(),
        recordedAt: z.iso.datetime(),
      }),
    ),
    nextCursor: text().nullable(),
  }),
});

export const metricsSchema = z
  .object({
    from: text(),
    to: text(),
    branch: text().nullable(),
    criteria: z.object({
      active: z.number().int(),
      proven: z.number().int(),
      failing: z.number().int(),
      skipped: z.number().int(),
      missing: z.number().int(),
      coverage: z.number().describe('proven / active, on the default branch, now'),
    }),
    tests: z.object({
      runs: z.number().int().describe('Processed JUnit reports'),
      results: z.number().int(),
      passRate: z.number().describe('passed / (results − skipped)'),
      medianDurationMs: z.number().int().nullable(),
    }),
    flaky: z.object({ tests: z.number().int(), rate: z.number() }),
    pullRequests: z.object({
      validated: z.number().int(),
      green: z.number().int(),
      flaggedForMerge: z.number().int(),
      overridden: z.number().int(),
    }),
    trend: z.array(
      z.object({
        day: text(),
        coverage: z.number(),
        passRate: z.number(),
        runs: z.number().int(),
        flakyTests: z.number().int(),
      }),
    ),
    rolledUpAt: z.iso.datetime().nullable().describe('When the newest daily rollup read was computed'),
  })
  .meta({ id: 'Metrics' });

const range = {
  from: utcDay.optional().describe('First UTC day (default: 29 days before `to`)'),
  to: utcDay.optional().describe('Last UTC day (default: today); at most 366 days after `from`'),
};

export const getRepoMetrics = defineRoute({
  route: 'GET /api/v1/repos/{owner}/{repo}/metrics',
  auth: 'session',
  action: 'metrics:read',
  orgParam: 'owner',
  summary: "A repository's criteria coverage, pass rate, flaky tests, pull-request outcomes and daily trend",
  description:
    'Read from the daily rollup, written as each report is processed (today reflects a report within seconds) ' +
    'and by the `rollup-test-analytics` schedule as a backstop (`rolledUpAt`: when the newest row was computed) ' +
    'and the current criteria. `from` after `to`, or a range over 366 days, is a 400.',
  tags: ['analytics'],
  params: repoParams,
  query: z.object({ ...range, branch: text().min(1).max(255).optional() }),
  response: metricsSchema,
});

export const getOrgMetrics = defineRoute({
  route: 'GET /api/v1/orgs/{org}/metrics',
  auth: 'session',
  action: 'metrics:read',
  orgParam: 'org',
  summary: "The organisation's metrics, every repository together",
  tags: ['analytics'],
  params: z.object({ org: text().min(1).max(100) }),
  query: z.object(range),
  response: metricsSchema,
});
