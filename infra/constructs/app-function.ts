import { join } from 'node:path';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StateMachineEntry } from '../topology.types.ts';
import { acknowledge } from './nag.ts';
import { copyPackageCommands, packageClosure } from './node-modules.ts';
import { needsVpc, type UseSpec } from './uses.ts';
import { applyUses, type Wiring } from './wiring.ts';

/** What every topology function entry carries (handler, uses, sizing, nodeModules). */
export type FunctionSpec = StateMachineEntry['tasks'][string];

/** Where a function sits in the topology; decides its default timeout. */
export type FunctionKind = 'route' | 'consumer' | 'task' | 'schedule' | 'migration';

/** Default timeouts in seconds (routes and consumers as documented in `topology.types.ts`). */
export const DEFAULT_TIMEOUT_SECONDS: Readonly<Record<FunctionKind, number>> = {
  route: 10,
  consumer: 30,
  task: 60,
  schedule: 60,
  migration: 600,
};

/** Default memory in MB. */
export const DEFAULT_MEMORY_MB = 512;

/** The runtime every Assay function runs on (the repository pins Node 22 for tests). */
export const RUNTIME = lambda.Runtime.NODEJS_22_X;

/** Makes esbuild's ESM output able to `require()` the CommonJS dependencies it inlines (pg, …). */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __assayCreateRequire } from 'node:module'; " +
  'const require = __assayCreateRequire(import.meta.url);';

/** Props of {@link AppFunction}. */
export interface AppFunctionProps {
  readonly spec: FunctionSpec;
  readonly kind: FunctionKind;
  /** Decoded `spec.uses` (validated against the topology by the caller). */
  readonly uses: readonly UseSpec[];
  /** Shown in the console; starts with the topology key so a function is easy to place. */
  readonly description: string;
  readonly wiring: Wiring;
  /**
   * A log group shared with other functions (one per kind keeps the stack under CloudFormation's
   * 500-resource limit; Powertools puts `function_name` on every line). Default: one of its own.
   */
  readonly logGroup?: logs.ILogGroup;
  /** An execution role shared by functions with the same uses (see `SharedRoles`). Default: its own. */
  readonly role?: iam.IRole;
}

/**
 * One handler module as a Lambda function with Assay's defaults: Node 22 on
 * arm64, bundled locally by esbuild (never Docker) to minified, tree-shaken
 * ESM with source maps, JSON logs in a one-month log group, inside the VPC
 * only when it uses the database, and environment/grants from its `uses`.
 */
export class AppFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly timeoutSeconds: number;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { spec, wiring } = props;
    this.timeoutSeconds = spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[props.kind];
    const nodeModules = spec.nodeModules ?? [];
    const shipped = nodeModules.length > 0 ? packageClosure(nodeModules, wiring.projectRoot) : [];
    const inVpc = needsVpc(props.uses);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      description: props.description.slice(0, 256),
      entry: join(wiring.projectRoot, spec.handler),
      handler: 'handler',
      projectRoot: wiring.projectRoot,
      depsLockFilePath: join(wiring.projectRoot, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: spec.architecture === 'x86_64' ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      ...(spec.ephemeralStorageMb ? { ephemeralStorageSize: Size.mebibytes(spec.ephemeralStorageMb) } : {}),
      timeout: Duration.seconds(this.timeoutSeconds),
      environment: { ...wiring.environment },
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup:
        props.logGroup ??
        new logs.LogGroup(this, 'Logs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ...(props.role ? { role: props.role } : {}),
      ...(inVpc
        ? {
            vpc: wiring.network.vpc,
            vpcSubnets: wiring.network.appSubnets,
            securityGroups: [wiring.network.appSecurityGroup],
          }
        : {}),
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        banner: ESM_REQUIRE_SHIM,
        // The AWS SDK v3 comes with the Node 22 Lambda runtime: taking it from there keeps
        // API bundles under 1 MB (it is ~550 KB of a bundle otherwise).
        // pg-native is pg's optional native binding, never used.
        externalModules: ['@aws-sdk/*', 'pg-native', ...nodeModules],
        logLevel: nodejs.LogLevel.ERROR,
        ...(shipped.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  copyPackageCommands(shipped, inputDir, outputDir),
              },
            }
          : {}),
      },
    });
    applyUses(this.fn, props.uses, wiring);

    acknowledge(this.fn, {
      'AwsSolutions-L1':
        'Pinned to Node 22 (nodejs22.x), the version the repository runs its tests on (devDependency node@22); ' +
        'moving to a newer runtime is a deliberate upgrade, not a drift.',
    });
  }
}
