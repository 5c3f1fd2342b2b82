/**
 * CDK entry point (cdk.json `app`). Synthesizes offline: account, region and
 * availability zones come from the `assay:*` context, handlers are bundled by
 * the local esbuild, and cdk-nag checks run at synthesis.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAssayApp } from './constructs/build-app.ts';
import { topology } from './topology.ts';

const projectRoot = dirname(dirname(fileURLToPath(import.meta.url)));

const { app } = await buildAssayApp({ topology, projectRoot });
app.synth();
