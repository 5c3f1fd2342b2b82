import type { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { decideGate, gatedConclusion } from '../analytics/gate.ts';
import { failingTestsOf, findBaseCommit, statusesOn } from '../analytics/gate-inputs.ts';
import { windowStart } from '../analytics/tests.service.ts';
import { isRunTrusted, isShaTrusted } from '../ci/fork-trust.ts';
import { latestCodeHealthOfSha } from '../code-health/code-health.service.ts';
import { getConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import type { CheckRunAnnotation, GitHubClient, RepoRef } from '../github/github-client.types.ts';
import { upsertCheckRun } from '../manifests/check-run.ts';
import { notifyValidationConcluded } from '../notifications/validation-notifications.ts';
import { repositoryPath } from '../reports/repository-path.ts';
import { renderCheckSummary } from './check-summary.ts';
import { conclusionOf, type ExpectedItem, itemResult } from './item-status.ts';
import {
  failuresOnly,
  mergeJUnitResults,
  readJUnitResults,
  type StoredJUnitResults,
  storedJUnitResultsSchema,
} from './junit-results.ts';
import { validationViewUrl } from './validation-url.ts';
import { noReportVerdict } from './workflow-runs.ts';

export interface ValidateDeps {
  db: Kysely<Database>;
  github: GitHubClient;
  /** Opens a stored report for reading. */
  openObject: (key: string) => Promise<Readable>;
  publicUrl?: string;
  /** Flaky window for the gate's quarantine (default `ASSAY_FLAKY_WINDOW_DAYS`). */
  flakyWindowDays?: number;
}

export interface ValidationOutcome {
  conclusion: 'success' | 'failure' | 'action_required' | 'neutral' | 'pending';
  items: number;
  reports: number;
  check: 'created' | 'updated' | 'unchanged' | 'kept' | 'none';
}

/** Failed tests whose file is not a repository path: listed in the summary (this many), not annotated. */
const MAX_UNPLACED = 20;

/** Opens a stored report, or `undefined` when it no longer exists. */
async function openUnlessExpired(deps: ValidateDeps, key: string): Promise<Readable | undefined> {
  try {
    return await deps.openObject(key);
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

/**
 * Validates one head SHA of a repository: merges the stored results of every
 * processed JUnit report uploaded for it (matrix jobs included; raw objects
 * are not read again, see `junit-results.ts`), gives each item the pull request's
 * manifest expects a status, stores the result, and concludes the `Assay`
 * check run — success, failure or action required — with a per-item summary
 * and failed tests as annotations. With no report yet, the check keeps
 * waiting — and says no report arrived once every workflow run of the SHA
 * seen so far (or every named test workflow's run) has completed.
 */
export async function validateHeadSha(
  deps: ValidateDeps,
  target: {
    orgId: string;
    repositoryId: string;
    headSha: string;
    ref: RepoRef;
    /** Leave everything as it is when no report arrived yet (a manifest rebuild asks this). */
    onlyIfReports?: boolean;
  },
): Promise<ValidationOutcome> {
  const flakySince = new Date(
    `${windowStart(deps.flakyWindowDays ?? getConfig().ASSAY_FLAKY_WINDOW_DAYS)}T00:00:00Z`,
  );
  const { expected, reports, fullName, pullNumber, codeHealth, runs, testWorkflows, gate, failing, baseRef } =
    await withTenant(deps.db, target.orgId, async (trx) => {
      const repo = await trx
        .selectFrom('repositories')
        .select(['full_name', 'test_workflows', 'gate', 'quarantine_flaky', 'quarantine', 'fork_trust'])
        .where('id', '=', target.repositoryId)
        .executeTakeFirstOrThrow();
      const runs = await trx
        .selectFrom('workflow_runs')
        .select(['name', 'path', 'status', 'conclusion'])
        .where('repository_id', '=', target.repositoryId)
        .where('head_sha', '=', target.headSha)
        .orderBy('created_at')
        .execute();
      const manifests = await trx
        .selectFrom('pull_manifests')
        .select(['entries', 'pull_number'])
        .where('repository_id', '=', target.repositoryId)
        .where('head_sha', '=', target.headSha)
        .execute();
      const uploads = await trx
        .selectFrom('ci_uploads')
        .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
        .select([
          'ci_uploads.object_key',
          'ci_uploads.results',
          'ci_runs.source',
          'ci_runs.from_fork',
          'ci_runs.author_association',
          'ci_runs.head_repository',
        ])
        .where('ci_runs.repository_id', '=', target.repositoryId)
        .where('ci_runs.head_sha', '=', target.headSha)
        .where('ci_uploads.kind', 'in', ['junit', 'ctrf'])
        .where('ci_uploads.status', '=', 'processed')
        .orderBy('ci_uploads.created_at')
        .execute();
      const byTid = new Map<number, ExpectedItem>();
      for (const manifest of manifests) {
        for (const entry of manifest.entries as ExpectedItem[])
          byTid.set(entry.tid, { issue: entry.issue, tid: entry.tid, text: entry.text });
      }
      const codeHealth = await latestCodeHealthOfSha(trx, target.repositoryId, target.headSha);
      const shaTrusted = await isShaTrusted(trx, target.repositoryId, target.headSha);
      const pullNumber = manifests[0]?.pull_number;
      const pull =
        pullNumber === undefined
          ? undefined
          : await trx
              .selectFrom('pull_requests')
              .select('base_ref')
              .where('repository_id', '=', target.repositoryId)
              .where('number', '=', pullNumber)
              .executeTakeFirst();
      return {
        codeHealth,
        runs,
        testWorkflows: repo.test_workflows,
        expected: [...byTid.values()],
        reports: uploads.map((u) => ({
          key: u.object_key,
          results: u.results,
          // A fork's pulled report proves nothing until trusted (its failures still count).
          trusted: isRunTrusted(
            { source: u.source, fromFork: u.from_fork, authorAssociation: u.author_association },
            repo.fork_trust,
            shaTrusted,
          ),
          headRepository: u.head_repository,
        })),
        fullName: repo.full_name,
        pullNumber,
        gate: {
          mode: repo.gate,
          quarantineFlaky: repo.quarantine_flaky,
          quarantine: { entries: repo.quarantine, today: new Date().toISOString().slice(0, 10) },
        },
        failing:
          uploads.length === 0
            ? { failing: [], total: 0 }
            : await failingTestsOf(trx, {
                repositoryId: target.repositoryId,
                headSha: target.headSha,
                flakySince,
              }),
        baseRef: pull?.base_ref,
      };
    });
  if (expected.length === 0 || (target.onlyIfReports && reports.length === 0)) {
    const conclusion = expected.length === 0 ? ('neutral' as const) : ('pending' as const);
    return { conclusion, items: expected.length, reports: reports.length, check: 'none' };
  }

  const stored: StoredJUnitResults[] = [];
  const waiting = reports.filter((r) => !r.trusted);
  for (const report of reports) {
    const parsed = storedJUnitResultsSchema.safeParse(report.results);
    if (parsed.success) {
      stored.push(report.trusted ? parsed.data : failuresOnly(parsed.data));
      continue;
    }
    // Processed before results were stored with the upload: read the raw report once more.
    const stream = await openUnlessExpired(deps, report.key);
    if (stream === undefined) {
      // A raw report has expired (lifecycle rule): its results cannot be merged again, so the
      // validation stored when it was read stands.
      return { conclusion: 'pending', items: expected.length, reports: reports.length, check: 'kept' };
    }
    const reread = (await readJUnitResults(stream)).stored;
    stored.push(report.trusted ? reread : failuresOnly(reread));
  }
  const merged = mergeJUnitResults(stored);
  const summaries = merged.summaries;
  // Reports name files as the CI saw them (absolute checkout paths, `file://`, drive letters):
  // GitHub needs repository-relative paths; what cannot be mapped goes to the summary instead.
  const annotations: CheckRunAnnotation[] = [];
  const unplaced: string[] = [];
  for (const annotation of merged.annotations) {
    const path = repositoryPath(annotation.path, { repo: target.ref.repo });
    if (path !== undefined) annotations.push({ ...annotation, path });
    else if (unplaced.length < MAX_UNPLACED)
      unplaced.push(`\`${annotation.path}:${annotation.start_line}\` ${annotation.title ?? ''}`.trimEnd());
  }
  const results = expected.map((item) => itemResult(item, summaries.get(`T${item.tid}`)));
  // The base of the gate: the merge base from GitHub's compare API (outside any transaction), only
  // when some test failed. Unreachable or unknown → no merge base (see shared/analytics/gate.ts).
  const mergeBase =
    failing.total > 0 && baseRef !== undefined
      ? await deps.github.compareCommits(target.ref, baseRef, target.headSha).then(
          (c) => ({ sha: c.mergeBaseSha, date: c.mergeBaseDate }),
          () => null,
        )
      : null;
  const detailsUrl =
    deps.publicUrl && pullNumber !== undefined
      ? validationViewUrl(deps.publicUrl, fullName, pullNumber, target.headSha)
      : undefined;

  return withTenant(deps.db, target.orgId, async (trx) => {
    if (reports.length === 0) {
      // "No report" only once every workflow run that could upload it has completed (see workflow-runs.ts).
      const verdict = noReportVerdict(runs, testWorkflows);
      const sha = `\`${target.headSha.slice(0, 7)}\``;
      const which = testWorkflows.length > 0 ? 'every test workflow run' : 'every workflow run';
      const output = verdict.finished
        ? {
            title: 'No test report arrived',
            summary: `${which[0]!.toUpperCase()}${which.slice(1)} of ${sha} finished without uploading a test report. Runs seen: ${verdict.seen}. Upload a JUnit report for ${sha} (see the README's CI section).`,
          }
        : {
            title: 'Waiting for test report',
            summary: `Waiting for the test report of ${sha}. Expected: ${expected.length} criteria.${runs.length > 0 ? ` Runs seen: ${verdict.seen}.` : ''}`,
          };
      const check = await upsertCheckRun(
        trx,
        deps.github,
        target.ref,
        { orgId: target.orgId, repositoryId: target.repositoryId, headSha: target.headSha },
        verdict.finished
          ? { status: 'completed', conclusion: 'action_required', output }
          : { status: 'in_progress', output },
      );
      return { conclusion: 'pending' as const, items: expected.length, reports: 0, check: check.action };
    }
    const base =
      failing.total > 0 && baseRef !== undefined
        ? await findBaseCommit(trx, {
            repositoryId: target.repositoryId,
            headSha: target.headSha,
            baseBranch: baseRef,
            mergeBase,
          })
        : null;
    const decision = decideGate({
      ...gate,
      failing: failing.failing,
      failingTotal: failing.total,
      base,
      baseStatus: base
        ? await statusesOn(trx, {
            repositoryId: target.repositoryId,
            sha: base.sha,
            testIds: failing.failing.map((t) => t.id),
          })
        : new Map(),
    });
    const conclusion = gatedConclusion(conclusionOf(results), decision, failing.total);
    const counts = {
      passed: results.filter((r) => r.status === 'passed').length,
      failed: results.filter((r) => r.status === 'failed').length,
      skipped: results.filter((r) => r.status === 'skipped').length,
      missing: results.filter((r) => r.status === 'missing').length,
      flaky: results.filter((r) => r.flaky).length,
      blockingTests: decision.blocking.length + decision.unlisted,
      knownFailures: decision.knownFailures.length,
      quarantinedTests: decision.quarantined.length + decision.quarantinedByOwner.length,
    };
    const previous = await trx
      .selectFrom('validations')
      .select(['conclusion', 'updated_at'])
      .where('repository_id', '=', target.repositoryId)
      .where('head_sha', '=', target.headSha)
      .forUpdate()
      .executeTakeFirst();
    await trx
      .insertInto('validations')
      .values({
        org_id: target.orgId,
        repository_id: target.repositoryId,
        head_sha: target.headSha,
        conclusion,
        items: JSON.stringify(results),
        reports: reports.length,
        counts: JSON.stringify(counts),
      })
      .onConflict((oc) =>
        oc.columns(['repository_id', 'head_sha']).doUpdateSet({
          conclusion,
          items: JSON.stringify(results),
          reports: reports.length,
          counts: JSON.stringify(counts),
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
    await notifyValidationConcluded(trx, {
      orgId: target.orgId,
      repositoryId: target.repositoryId,
      repository: fullName,
      pullNumber,
      headSha: target.headSha,
      conclusion,
      counts,
      publicUrl: deps.publicUrl,
      previous: previous && { conclusion: previous.conclusion, updatedAt: previous.updated_at },
    });
    const output = renderCheckSummary(conclusion, results, {
      reports: reports.length,
      failures: merged.failures,
      ...(waiting.length > 0 && {
        awaitingTrust: {
          reports: waiting.length,
          headRepositories: [...new Set(waiting.map((w) => w.headRepository ?? 'a fork'))],
          headSha: target.headSha,
        },
      }),
      gate: decision,
      detailsUrl,
      unplaced,
      codeHealth: codeHealth && {
        score: codeHealth.score,
        baseBranch: codeHealth.base_branch,
        baseScore: codeHealth.base_score,
        delta: codeHealth.delta,
      },
    });
    const check = await upsertCheckRun(
      trx,
      deps.github,
      target.ref,
      { orgId: target.orgId, repositoryId: target.repositoryId, headSha: target.headSha },
      {
        status: 'completed',
        conclusion,
        output: { ...output, annotations },
        ...(detailsUrl && { detailsUrl }),
      },
    );
    return { conclusion, items: results.length, reports: reports.length, check: check.action };
  });
}
