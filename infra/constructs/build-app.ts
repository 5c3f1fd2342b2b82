import { createRequire } from 'node:module';
import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AssayStack } from '../stack.ts';
import type { Topology } from '../topology.types.ts';
import { addNagChecks } from './nag.ts';
import { type DeploymentSettings, readSettings } from './settings.ts';
import { loadWorkflowDefinitions } from './workflow-definition.ts';

/** Options of {@link buildAssayApp}. */
export interface BuildAppOptions {
  readonly topology: Topology;
  /** Repository root (handler and workflow paths are relative to it). */
  readonly projectRoot: string;
  /** Cloud assembly directory; the CLI sets it through `CDK_OUTDIR` otherwise. */
  readonly outdir?: string;
  /** Context below cdk.json/CLI context: tests pass `assay:*` keys here. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Run the cdk-nag AWS Solutions pack at synthesis (default true). */
  readonly nag?: boolean;
  /** CDK's built-in CloudFormation schema validation (default on unless `CDK_VALIDATION=false`). */
  readonly builtinValidation?: boolean;
  /** Repository-relative migration handler (tests use a fixture). */
  readonly migrationHandler?: string;
}

/** The built app, its one stack and the settings it was built with. */
export interface BuiltApp {
  readonly app: App;
  readonly stack: AssayStack;
  readonly settings: DeploymentSettings;
}

/**
 * Handlers are bundled by the project's own esbuild. Without it CDK would fall
 * back to bundling in Docker, which Assay never does: fail early instead.
 */
export function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error(
      'esbuild is not installed (run `npm ci`): Assay bundles handlers locally, never in Docker',
    );
  }
}

/**
 * Builds the CDK app: feature flags as `cdk init` would pin them for the
 * installed aws-cdk-lib (cdk.json and `-c` still win), settings from context,
 * workflow definitions, the stack, and the cdk-nag checks.
 */
export async function buildAssayApp(options: BuildAppOptions): Promise<BuiltApp> {
  assertLocalEsbuild();
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.builtinValidation === undefined
      ? {}
      : { builtinCloudFormationValidation: options.builtinValidation }),
    context: { ...CURRENTLY_RECOMMENDED_FLAGS, ...options.context },
  });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const workflows = await loadWorkflowDefinitions(options.topology, options.projectRoot);
  const stack = new AssayStack(app, settings.stackName, {
    topology: options.topology,
    workflows,
    settings,
    projectRoot: options.projectRoot,
    ...(options.migrationHandler ? { migrationHandler: options.migrationHandler } : {}),
  });
  if (options.nag ?? true) addNagChecks(app);
  return { app, stack, settings };
}
