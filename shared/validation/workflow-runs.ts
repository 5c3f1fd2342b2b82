/**
 * Which workflow runs mean "no report came" (pure). A completed workflow run
 * of an unrelated workflow (a lint job) says nothing about the test report:
 * the `Assay` check concludes "no report" only when every workflow run of the
 * head SHA seen so far has completed without one — or, when the repository
 * names its test workflows (`test_workflows`: names or paths such as
 * `.github/workflows/test.yml`), when those have.
 *
 * @module
 */

/** A workflow run of a head SHA as stored from `workflow_run` events. */
export interface SeenRun {
  name: string | null;
  path: string | null;
  status: string;
  conclusion: string | null;
}

/** What the runs say about a head SHA with no report. */
export interface NoReportVerdict {
  /** True when every run that could upload the report has completed. */
  finished: boolean;
  /** `lint (success), test (in progress)` — the runs seen, for the check's summary. */
  seen: string;
}

const pathOf = (path: string) =>
  path
    .replace(/@.*$/, '')
    .replace(/^\.?\/+/, '')
    .toLowerCase();
const fileOf = (path: string) => pathOf(path).split('/').pop() ?? '';

/**
 * True when a run belongs to one of the named test workflows: its name
 * (case-insensitive), its path, or its file name (`test.yml`) equals an entry.
 */
export function isTestWorkflow(run: SeenRun, testWorkflows: readonly string[]): boolean {
  return testWorkflows.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    if (wanted === '') return false;
    if (run.name !== null && run.name.toLowerCase() === wanted) return true;
    if (run.path === null) return false;
    return pathOf(run.path) === pathOf(wanted) || fileOf(run.path) === wanted;
  });
}

function label(run: SeenRun, marked: boolean): string {
  const name = run.name ?? (run.path ? fileOf(run.path) : 'workflow');
  const state = run.status === 'completed' ? (run.conclusion ?? 'completed') : run.status.replace(/_/g, ' ');
  return `${name} (${state}${marked ? ', test workflow' : ''})`;
}

/**
 * Whether a head SHA without a report has finished waiting: the relevant
 * runs (the named test workflows, or every run when none is named) were seen
 * and have all completed. No run seen yet is never "finished".
 */
export function noReportVerdict(runs: readonly SeenRun[], testWorkflows: readonly string[]): NoReportVerdict {
  const named = testWorkflows.length > 0;
  const relevant = named ? runs.filter((r) => isTestWorkflow(r, testWorkflows)) : runs;
  const finished = relevant.length > 0 && relevant.every((r) => r.status === 'completed');
  const seen = runs.map((r) => label(r, named && isTestWorkflow(r, testWorkflows))).join(', ');
  return { finished, seen: seen === '' ? 'none yet' : seen };
}
