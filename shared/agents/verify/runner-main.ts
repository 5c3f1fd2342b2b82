/**
 * Entry point of the single-use verify runner on AWS (topology
 * `runners.verify`, `infra/runner/Dockerfile`; issue 25): one Fargate task per
 * verify run. The task is the isolation (`ASSAY_VERIFY_SANDBOX=off` inside
 * it): it has no AWS permission, nothing secret, no route to the data tier,
 * and ends with the run. Its only inputs are two presigned URLs given as
 * container overrides — `ASSAY_RUNNER_JOB_URL` (GET: the files and the
 * crawled origins, Assay's support files — a mutant run's fixture) and `ASSAY_RUNNER_RESULT_URL` (PUT: the {@link TestRun}) —
 * each for one object of this run only.
 *
 * @module
 */
import { z } from 'zod';
import { parseAllowedHosts } from '../../crawl/address.ts';
import { chromiumExecutable } from '../../crawl/chromium.ts';
import { createNetworkGuard } from '../../crawl/network.ts';
import { createOriginGuard } from './origins.ts';
import { runPlaywrightFiles } from './run-tests.ts';

/** What the verify step hands the runner (the JSON behind `ASSAY_RUNNER_JOB_URL`). */
export const runnerJobSchema = z.object({
  files: z
    .array(
      z.object({
        requirementId: z.string().max(100),
        path: z.string().min(1).max(300),
        content: z.string().max(500_000),
        tids: z.array(z.string().max(20)).max(500),
        locators: z.array(z.string().max(2000)).max(2000),
      }),
    )
    .min(1)
    .max(200),
  origins: z.array(z.url()).min(1).max(20),
  allowedHosts: z.string().max(2000).default(''),
  timeoutMs: z.number().int().min(1000).max(900_000),
  workers: z.number().int().min(1).max(8).default(2),
  /** Assay's own files for the run (the mutant fixture and its tsconfig.json, a storage state): see `RunOptions.supportFiles`. */
  supportFiles: z
    .array(z.object({ path: z.string().min(1).max(300), content: z.string().max(2_000_000) }))
    .max(10)
    .default([]),
  /** Path of a storage state among `supportFiles` (tests tagged `@signed-in` run with it). */
  storageState: z.string().min(1).max(300).optional(),
});

const envSchema = z.object({ ASSAY_RUNNER_JOB_URL: z.url(), ASSAY_RUNNER_RESULT_URL: z.url() });

/** Runs the job behind `ASSAY_RUNNER_JOB_URL` and PUTs the result; exits non-zero on a bad job. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const urls = envSchema.parse(env);
  const job = runnerJobSchema.parse(await (await fetch(urls.ASSAY_RUNNER_JOB_URL)).json());
  const guard = createOriginGuard(
    createNetworkGuard({ allowedHosts: parseAllowedHosts(job.allowedHosts) }),
    job.origins,
  );
  const run = await runPlaywrightFiles(job.files, {
    guard,
    chromiumPath: await chromiumExecutable(),
    timeoutMs: job.timeoutMs,
    workers: job.workers,
    origins: job.origins.map((o) => new URL(o).origin),
    isolation: { kind: 'none' },
    ...(job.supportFiles.length > 0 ? { supportFiles: job.supportFiles } : {}),
    ...(job.storageState ? { storageState: job.storageState } : {}),
  });
  const response = await fetch(urls.ASSAY_RUNNER_RESULT_URL, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(run),
  });
  return response.ok ? 0 : 1;
}

if (process.argv[1]?.endsWith('runner-main.ts')) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
