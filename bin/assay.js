#!/usr/bin/env node
// The `assay` command. Under npx (or an npm script) `node` is the project's pinned Node 22.
// It runs the prebuilt CLI in dist/cli (built by `npm run build:cli`, which `npm ci` runs as
// `prepare`); without it, or with ASSAY_CLI_FROM_SOURCE=1, it compiles the sources through tsx.
import { existsSync } from 'node:fs';

if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `assay runs on the project's pinned Node 22 (the \`node\` devDependency); this is Node ${process.version}. ` +
      'Run it as `npx assay …` (or through an npm script), which puts the pinned Node first.\n',
  );
  process.exit(1);
}

const prebuilt = new URL('../dist/cli/main.js', import.meta.url);
if (process.env.ASSAY_CLI_FROM_SOURCE !== '1' && existsSync(prebuilt)) {
  await import(prebuilt.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../scripts/cli/main.ts');
}
