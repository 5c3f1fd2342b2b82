/**
 * Builds the GitHub Action's single-file bundle,
 * `.github/actions/upload/dist/index.mjs`: `assay upload` with every package
 * inlined, so `uses: <owner>/assay/.github/actions/upload@<ref>` runs it on the
 * runner's Node with no `npm install`. The bundle is committed;
 * `test/unit/upload-action-bundle.test.ts` fails when it is not what this
 * script builds from the current sources (`npm run build:action`).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Where the Action's bundle lives (its `action.yml` names it as `main`). */
export const actionBundlePath = join(root, '.github', 'actions', 'upload', 'dist', 'index.mjs');

/** Builds the bundle in memory: its text. Deterministic for the same sources and esbuild version. */
export async function buildActionBundle(): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'scripts', 'cli', 'upload', 'action-main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    // The oldest Node a runner or CI image is likely to bring (`using: node24` runs it on 24).
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote no bundle');
  return output.text;
}

if (process.argv[1] === import.meta.filename) {
  writeFileSync(actionBundlePath, await buildActionBundle());
}
