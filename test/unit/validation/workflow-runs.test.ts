import { describe, expect, it } from 'vitest';
import { isTestWorkflow, noReportVerdict, type SeenRun } from '../../../shared/validation/workflow-runs.ts';

const run = (name: string, status: string, conclusion: string | null = null, path?: string): SeenRun => ({
  name,
  path: path ?? `.github/workflows/${name.toLowerCase()}.yml`,
  status,
  conclusion,
});

describe('noReportVerdict', () => {
  it('waits while any run seen is not completed, and for the first run at all', () => {
    expect(noReportVerdict([], [])).toEqual({ finished: false, seen: 'none yet' });
    expect(noReportVerdict([run('lint', 'completed', 'success'), run('test', 'in_progress')], [])).toEqual({
      finished: false,
      seen: 'lint (success), test (in progress)',
    });
    expect(
      noReportVerdict([run('lint', 'completed', 'success'), run('test', 'completed', 'failure')], []),
    ).toEqual({
      finished: true,
      seen: 'lint (success), test (failure)',
    });
  });

  it('with named test workflows, only their runs decide, and none seen means waiting', () => {
    const lint = run('lint', 'completed', 'success');
    expect(noReportVerdict([lint], ['Tests']).finished).toBe(false);
    const tests = run('Tests', 'completed', 'success', '.github/workflows/ci.yml@refs/pull/3/merge');
    const build = run('build', 'queued');
    expect(noReportVerdict([lint, tests, build], ['tests'])).toEqual({
      finished: true,
      seen: 'lint (success), Tests (success, test workflow), build (queued)',
    });
  });
});

describe('isTestWorkflow', () => {
  it('matches a name, a path (with or without ./ or @ref) or a file name', () => {
    const r = run('CI Tests', 'completed', 'success', '.github/workflows/ci-tests.yml@refs/heads/main');
    expect(isTestWorkflow(r, ['ci tests'])).toBe(true);
    expect(isTestWorkflow(r, ['./.github/workflows/ci-tests.yml'])).toBe(true);
    expect(isTestWorkflow(r, ['ci-tests.yml'])).toBe(true);
    expect(isTestWorkflow(r, ['lint', ''])).toBe(false);
  });
});
