import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type CloudAssembly, VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { type BuiltApp, buildAssayApp } from '../../../infra/constructs/build-app.ts';
import type { AssayStack } from '../../../infra/stack.ts';
import type { Topology } from '../../../infra/topology.types.ts';

/** The repository root. */
export const projectRoot = join(import.meta.dirname, '../../..');

/** A CloudFormation resource as synthesized. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

/** The synthesized template. */
export interface TemplateJson {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  Parameters?: Record<string, unknown>;
}

/** One CloudFormation stack of the app (the parent or a nested stack) and its resource count. */
export interface StackSize {
  name: string;
  resources: number;
  parameters: number;
}

/** One rule violation left in the validation report (cdk-nag, CloudFormation schema, annotations). */
export interface Violation {
  plugin: string;
  rule: string;
  severity: string;
  resources: string[];
}

/** What one synthesis produced. */
export interface Synthesized {
  stack: AssayStack;
  /** The parent stack's template (nested stacks' resources are not in it). */
  template: Template;
  /**
   * Every resource of the app as one template: the parent's resources, then
   * each nested stack's, with the nested stacks' parameters replaced by the
   * parent expressions passed to them (so a reference reads as in one stack).
   */
  json: TemplateJson;
  /** Each stack's own size (CloudFormation's limits apply per stack). */
  stacks: StackSize[];
  outdir: string;
  violations: Violation[];
  /** Asset directory of a function resource (its bundled code). */
  assetDir(functionLogicalId: string): string;
  dispose(): Promise<void>;
}

/** The `assay:*` context of cdk.json, as `cdk synth` would see it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

interface ReportJson {
  pluginReports: {
    pluginName: string;
    violations?: {
      ruleName: string;
      severity?: string;
      violatingConstructs?: { constructPath?: string }[];
    }[];
  }[];
}

/**
 * Synthesizes the app the way `cdk synth` does (same builder, cdk.json
 * context, cdk-nag on, local esbuild bundling) into a temporary directory, and
 * collects whatever the validation report still lists. Synthesis does not
 * throw on violations here, so tests can name them.
 */
export async function synthesize(options: {
  topology: Topology;
  migrationHandler?: string;
  context?: Record<string, unknown>;
}): Promise<Synthesized> {
  const outdir = await mkdtemp(join(tmpdir(), 'assay-infra-'));
  let built: BuiltApp;
  let assembly: CloudAssembly;
  try {
    built = await buildAssayApp({
      topology: options.topology,
      projectRoot,
      outdir,
      builtinValidation: false,
      ...(options.migrationHandler ? { migrationHandler: options.migrationHandler } : {}),
      context: {
        ...cdkJsonContext(),
        '@aws-cdk/core:failSynthOnValidationErrors': false,
        ...options.context,
      },
    });
    assembly = built.app.synth();
  } catch (error) {
    await rm(outdir, { recursive: true, force: true });
    throw error;
  }
  const { stack } = built;
  const parent = assembly.getStackByName(stack.stackName).template as TemplateJson;
  const { json, stacks } = flattenNestedStacks(stack, parent, assembly.directory);
  const report = JSON.parse(
    readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8'),
  ) as ReportJson;
  const violations = report.pluginReports.flatMap((plugin) =>
    (plugin.violations ?? []).map((v) => ({
      plugin: plugin.pluginName,
      rule: v.ruleName,
      severity: v.severity ?? 'unknown',
      resources: (v.violatingConstructs ?? []).map((c) => c.constructPath ?? '?'),
    })),
  );
  return {
    stack,
    template: Template.fromJSON(parent),
    json,
    stacks,
    outdir,
    violations,
    assetDir(functionLogicalId) {
      const fn = json.Resources[functionLogicalId];
      const key = fn?.Properties?.Code?.S3Key as string | undefined;
      if (!key) throw new Error(`${functionLogicalId} has no asset`);
      return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    },
    dispose: () => rm(outdir, { recursive: true, force: true }),
  };
}

/** Replaces `{ Ref: parameter }` by the value the parent passes for it. */
function substitute(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, parameters));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === 'Ref' && typeof entries[0]![1] === 'string') {
    const name = entries[0]![1];
    if (name in parameters) return parameters[name];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, substitute(v, parameters)]));
}

/** The parent's resources plus every nested stack's, parameters resolved (see {@link Synthesized.json}). */
function flattenNestedStacks(
  stack: Stack,
  parent: TemplateJson,
  directory: string,
): { json: TemplateJson; stacks: StackSize[] } {
  const resources: Record<string, CfnResource> = { ...parent.Resources };
  const stacks: StackSize[] = [
    {
      name: stack.stackName,
      resources: Object.keys(parent.Resources).length,
      parameters: Object.keys(parent.Parameters ?? {}).length,
    },
  ];
  const nestedStacks = stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c));
  for (const nested of nestedStacks) {
    const resource = nested.nestedStackResource;
    if (!resource) throw new Error(`${nested.node.path} has no stack resource`);
    const logicalId = Stack.of(resource).resolve((resource as unknown as { logicalId: string }).logicalId);
    const passed = (parent.Resources[logicalId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const template = JSON.parse(readFileSync(join(directory, nested.templateFile), 'utf8')) as TemplateJson;
    stacks.push({
      name: nested.node.path,
      resources: Object.keys(template.Resources).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
    });
    // What the nested stack waits for, each of its resources waits for.
    const inherited = [parent.Resources[logicalId]?.DependsOn ?? []].flat();
    for (const [id, r] of Object.entries(template.Resources)) {
      if (id in resources) throw new Error(`Logical id ${id} is in two stacks`);
      const resource = substitute(r, passed) as CfnResource;
      const dependsOn = [...[resource.DependsOn ?? []].flat(), ...inherited];
      resources[id] = dependsOn.length > 0 ? { ...resource, DependsOn: dependsOn } : resource;
    }
  }
  return { json: { ...parent, Resources: resources }, stacks };
}

/** Logical ids of the resources of one type. */
export function resourcesOfType(json: TemplateJson, type: string): [string, CfnResource][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

/** The logical id inside `{ "Fn::GetAtt": [id, …] }` or `{ "Ref": id }`. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  return v['Fn::GetAtt']?.[0] ?? v.Ref;
}
