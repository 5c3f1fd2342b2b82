#!/usr/bin/env node
// The `assay` command. Under npx (or an npm script) `node` is the project's pinned Node 22.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli/main.ts');
