/**
 * Builds the `assay` CLI into `dist/cli/`: plain JavaScript, so the command
 * starts without compiling TypeScript, split per command (every module
 * `scripts/cli/commands.ts` imports lazily becomes its own chunk), so each
 * command loads only its own code. Packages stay in `node_modules` (the CLI
 * runs inside the repository). `npm ci` runs it (`prepare`), and so does the
 * test setup, so the CLI under test is always the current source.
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Where the prebuilt CLI lives (`bin/assay.js` runs `main.js` from here). */
export const cliOutDir = join(root, 'dist', 'cli');

/** Builds the CLI bundle; resolves once it is written. */
export async function buildCli(outdir = cliOutDir): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'scripts', 'cli', 'main.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] === import.meta.filename) await buildCli();
