import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildCli } from '../../scripts/build-cli.ts';
import { buildTemplateDataDir } from './template-data-dir.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDataDir: string;
  }
}

/**
 * Runs once per `npm test`: builds the prebuilt CLI from the current sources
 * (the end-to-end tests run `npx assay`), and creates a data directory with
 * every migration applied, which each test file copies instead of running
 * initdb (~4–5 s).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'assay-template-'));
  const dir = join(root, 'data');
  await Promise.all([buildCli(), buildTemplateDataDir(dir)]);
  project.provide('templateDataDir', dir);
  return () => rmSync(root, { recursive: true, force: true });
}
