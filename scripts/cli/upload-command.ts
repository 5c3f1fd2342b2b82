/**
 * `assay upload`: uploads JUnit and code-health reports from any CI (and is
 * the GitHub Action `.github/actions/upload`, which runs this same command on
 * its inputs). Only the help text is loaded before the arguments are read.
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import type { ZodType } from 'zod';
import { parseArgs } from './args.ts';
import { UPLOAD_EXIT, UploadError } from './upload/errors.ts';
import { uploadUsage } from './usage.ts';

export { uploadUsage };

type Env = Readonly<Record<string, string | undefined>>;

/** Where `run` writes; replaceable so the Action and tests can share it. */
export interface UploadIo {
  env: Env;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo = (): UploadIo => ({
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        url: { type: 'string' },
        junit: { type: 'string', multiple: true },
        'code-health': { type: 'string', multiple: true },
        ctrf: { type: 'string', multiple: true },
        token: { type: 'string' },
        sha: { type: 'string' },
        ref: { type: 'string' },
        'run-id': { type: 'string' },
        force: { type: 'boolean' },
        'fail-on-missing': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UploadError(UPLOAD_EXIT.usage, error instanceof Error ? error.message : String(error));
  }
}

/** A bounded number from the environment (the retry knobs), else `fallback`. */
function envNumber(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new UploadError(UPLOAD_EXIT.usage, `${name} must be an integer from 0 to ${max}`);
  }
  return value;
}

/** In GitHub Actions, a workflow command on standard error (`::error::…`), escaped as the runner expects. */
function workflowCommand(io: UploadIo, command: string, message: string): void {
  if (io.env.GITHUB_ACTIONS !== 'true') return;
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  io.stderr(`::${command}::${escaped}\n`);
}

async function upload(args: string[], io: UploadIo): Promise<number> {
  const values = parse(args);
  if (values.help) {
    io.stdout(`Usage: assay upload [options]\n\n${uploadUsage}`);
    return UPLOAD_EXIT.ok;
  }
  const [{ z }, kinds, { ciDefaults }, { splitPatterns }, { uploadReports }] = await Promise.all([
    import('zod'),
    import('../../shared/ci/upload-kinds.ts'),
    import('./upload/ci-env.ts'),
    import('./upload/match-files.ts'),
    import('./upload/uploader.ts'),
  ]);
  const url = values.url ?? io.env.ASSAY_URL;
  if (!url || !z.url({ protocol: /^https?$/ }).safeParse(url).success) {
    throw new UploadError(
      UPLOAD_EXIT.usage,
      url
        ? `--url must be an http(s) URL, got "${url}"`
        : "--url (or ASSAY_URL) is required: Assay's API URL",
    );
  }
  const patterns = {
    junit: splitPatterns(values.junit ?? []),
    'code-health': splitPatterns(values['code-health'] ?? []),
    ctrf: splitPatterns(values.ctrf ?? []),
  };
  if (patterns.junit.length === 0 && patterns['code-health'].length === 0 && patterns.ctrf.length === 0) {
    throw new UploadError(
      UPLOAD_EXIT.usage,
      'Name the reports to upload with --junit, --ctrf and/or --code-health',
    );
  }

  // Flags win; CI variables fill the gaps (a CI value Assay would refuse is dropped with a note).
  const defaults = ciDefaults(io.env);
  const hint = (name: string, flag: string | undefined, fallback: string | undefined, schema: ZodType) => {
    if (flag !== undefined) {
      const checked = schema.safeParse(flag);
      if (!checked.success) {
        throw new UploadError(
          UPLOAD_EXIT.usage,
          `--${name} ${JSON.stringify(flag)}: ${checked.error.issues[0]?.message}`,
        );
      }
      return flag;
    }
    if (fallback === undefined) return undefined;
    if (schema.safeParse(fallback).success) return fallback;
    io.stderr(
      `ignoring ${name} ${JSON.stringify(fallback)} from the ${defaults.provider} variables: not valid\n`,
    );
    return undefined;
  };
  const sha = hint('sha', values.sha, defaults.sha, kinds.commitShaSchema);
  const ref = hint('ref', values.ref, defaults.ref, kinds.gitRefSchema);
  const runId = hint('run-id', values['run-id'], defaults.runId, kinds.runIdSchema);

  const maxDelayMs = envNumber(io.env, 'ASSAY_UPLOAD_MAX_DELAY_MS', 30_000, 300_000);
  const result = await uploadReports({
    url,
    patterns,
    token: values.token,
    sha: sha?.toLowerCase(),
    ref,
    runId,
    force: values.force ?? false,
    failOnMissing: values['fail-on-missing'] ?? false,
    cwd: io.cwd,
    env: io.env,
    retry: {
      attempts: envNumber(io.env, 'ASSAY_UPLOAD_ATTEMPTS', 5, 20),
      baseDelayMs: Math.min(1000, maxDelayMs),
      maxDelayMs,
    },
    log: (line) => io.stderr(`${line}\n`),
    mask: (secret) => workflowCommand(io, 'add-mask', secret),
  });
  io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  if (result.error) {
    io.stderr(`${result.error}\n`);
    workflowCommand(io, 'error', result.error);
  } else if (result.unmatched.length > 0) {
    const patterns = result.unmatched.map((u) => `${u.kind} "${u.pattern}"`).join(', ');
    workflowCommand(io, 'warning', `No file matched ${patterns}`);
  }
  reportToGithub(io.env, result);
  return result.exitCode;
}

/** In GitHub Actions: step outputs (`uploaded`, `run-id`, `pull-number`) and a job summary table. */
function reportToGithub(
  env: Env,
  result: {
    uploaded: number;
    runId: string | null;
    pullNumber: number | null;
    files: { file: string; kind: string; status: string; error?: string }[];
  },
): void {
  if (env.GITHUB_ACTIONS !== 'true') return;
  if (env.GITHUB_OUTPUT) {
    appendFileSync(
      env.GITHUB_OUTPUT,
      `uploaded=${result.uploaded}\nrun-id=${result.runId ?? ''}\npull-number=${result.pullNumber ?? ''}\n`,
    );
  }
  if (env.GITHUB_STEP_SUMMARY && result.files.length > 0) {
    const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const rows = result.files.map(
      (f) => `| \`${cell(f.file)}\` | ${f.kind} | ${f.status}${f.error ? `: ${cell(f.error)}` : ''} |`,
    );
    appendFileSync(
      env.GITHUB_STEP_SUMMARY,
      `### Assay upload\n\n| File | Kind | Status |\n|---|---|---|\n${rows.join('\n')}\n\n`,
    );
  }
}

/**
 * Runs `assay upload` on `args`; resolves to the exit code (see `uploadUsage`).
 * Failures print their message (and, in GitHub Actions, an `::error::` annotation).
 */
export async function run(args: string[], io: UploadIo = defaultIo()): Promise<number> {
  try {
    return await upload(args, io);
  } catch (error) {
    if (!(error instanceof UploadError)) throw error;
    io.stderr(`${error.message}\n`);
    if (error.exitCode === UPLOAD_EXIT.usage) io.stderr(`Usage: assay upload [options]\n\n${uploadUsage}`);
    workflowCommand(io, 'error', error.message);
    return error.exitCode;
  }
}
