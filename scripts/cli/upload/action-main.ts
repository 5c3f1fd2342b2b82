/**
 * Entry point of the Action's bundle (`.github/actions/upload/dist/index.mjs`,
 * built by `scripts/build-action.ts`): with arguments it is `assay upload`;
 * without, it reads the Action's inputs.
 *
 * @module
 */
import { run } from '../upload-command.ts';
import { actionArgs } from './action.ts';
import { UploadError } from './errors.ts';

async function main(): Promise<number> {
  const given = process.argv.slice(2);
  try {
    return await run(given.length > 0 ? given : actionArgs(process.env));
  } catch (error) {
    if (error instanceof UploadError) {
      process.stderr.write(`::error::${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`::error::${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
