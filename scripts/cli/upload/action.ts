/**
 * The GitHub Action `.github/actions/upload` (its bundled `dist/index.mjs`):
 * turns the Action's inputs into `assay upload` arguments and runs that same
 * command. Run with arguments (`node index.mjs --url … --junit …`), it is the
 * command itself, for CI systems without a checkout of Assay.
 *
 * @module
 */
import { UPLOAD_EXIT, UploadError } from './errors.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** An input as the runner passes it to a JavaScript action: `INPUT_<NAME>` (spaces → `_`, upper case). */
export function actionInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A boolean input, read as `@actions/core` does (YAML 1.2 core schema `true`/`false`). */
export function booleanInput(env: Env, name: string): boolean {
  const value = actionInput(env, name);
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE', ''].includes(value)) return false;
  throw new UploadError(UPLOAD_EXIT.usage, `Input "${name}" must be true or false, got "${value}"`);
}

/**
 * The `assay upload` arguments for the Action's inputs: `url`, `junit`,
 * `code-health` (multi-line patterns), `token`, `fail-on-missing`, `force`.
 */
export function actionArgs(env: Env): string[] {
  const args = ['--url', actionInput(env, 'url')];
  const junit = actionInput(env, 'junit');
  const codeHealth = actionInput(env, 'code-health');
  const ctrf = actionInput(env, 'ctrf');
  const token = actionInput(env, 'token');
  if (junit) args.push('--junit', junit);
  if (codeHealth) args.push('--code-health', codeHealth);
  if (ctrf) args.push('--ctrf', ctrf);
  if (token) args.push('--token', token);
  if (booleanInput(env, 'fail-on-missing')) args.push('--fail-on-missing');
  if (booleanInput(env, 'force')) args.push('--force');
  return args;
}
