import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  template: Template;
  json: TemplateJson;
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
  const json = assembly.getStackByName(stack.stackName).template as TemplateJson;
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
    template: Template.fromJSON(json),
    json,
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
