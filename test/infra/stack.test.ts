import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAssayApp } from '../../infra/constructs/build-app.ts';
import { IAM_JUSTIFICATIONS } from '../../infra/constructs/iam-justifications.ts';
import { addNagChecks } from '../../infra/constructs/nag.ts';
import { queueUrlVariable } from '../../infra/constructs/uses.ts';
import { taskRef } from '../../infra/constructs/workflow-definition.ts';
import type { Topology } from '../../infra/topology.types.ts';
import { FIXTURE_MIGRATION_HANDLER, fixtureTopology } from './fixtures/topology.ts';
import { invokeBundle } from './support/invoke-bundle.ts';
import {
  type CfnResource,
  cdkJsonContext,
  projectRoot,
  referencedId,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from './support/synth.ts';
import {
  actionsOf,
  allows,
  allStatements,
  environmentOf,
  functionFor,
  statementsOfFunction,
  statementsOfRole,
} from './support/template-queries.ts';

const topology: Topology = fixtureTopology;
let s: Synthesized;

beforeAll(async () => {
  s = await synthesize({ topology, migrationHandler: FIXTURE_MIGRATION_HANDLER });
});
afterAll(() => s?.dispose());

const idOf = (type: string, predicate: (r: CfnResource) => boolean): string => {
  const found = resourcesOfType(s.json, type).filter(([, r]) => predicate(r));
  if (found.length !== 1) throw new Error(`${found.length} ${type} matched`);
  return found[0]![0];
};
/** A queue's resources, found through the queue URLs `queues:inspect` hands to GET /health/ready. */
const queueIds = (name: string) => {
  const [, ready] = functionFor(s.json, topology.routes['GET /health/ready']!.handler);
  const queue = referencedId(environmentOf(ready)[queueUrlVariable(name)]);
  if (!queue) throw new Error(`no queue ${name}`);
  const dlq = referencedId(s.json.Resources[queue]?.Properties?.RedrivePolicy?.deadLetterTargetArn);
  const mapping = resourcesOfType(s.json, 'AWS::Lambda::EventSourceMapping').find(
    ([, m]) => referencedId(m.Properties?.EventSourceArn) === queue,
  )?.[1];
  return { queue, dlq, mapping, fn: referencedId(mapping?.Properties?.FunctionName) };
};
const secretId = (name: string) =>
  referencedId(s.json.Outputs?.[`Secret${name}Arn`]?.Value) ?? `no secret output ${name}`;

describe('functions', () => {
  const entries = [
    ...Object.entries(topology.routes).map(([key, e]) => ({ key, kind: 'route', ...e })),
    ...Object.entries(topology.queues).flatMap(([key, e]) =>
      e.handler ? [{ key, kind: 'consumer', ...e, handler: e.handler }] : [],
    ),
    ...Object.entries(topology.stateMachines).flatMap(([m, sm]) =>
      Object.entries(sm.tasks).map(([t, e]) => ({ key: `${m}.${t}`, kind: 'task', ...e })),
    ),
    ...Object.entries(topology.schedules).map(([key, e]) => ({ key, kind: 'schedule', ...e })),
  ];

  it('has one function per route, consumer, task and schedule, plus the migration step', () => {
    const app = resourcesOfType(s.json, 'AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties?.Description ?? '').match(/^(route|consumer|task|schedule|Deploy step)/),
    );
    expect(app).toHaveLength(entries.length + 1);
    for (const entry of entries) expect(() => functionFor(s.json, entry.handler), entry.key).not.toThrow();
  });

  it('runs every application function on nodejs22.x, arm64, JSON logs, with a one-month log group', () => {
    for (const entry of entries) {
      const [, fn] = functionFor(s.json, entry.handler);
      expect(fn.Properties, entry.key).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON' },
      });
      const logGroup = s.json.Resources[referencedId(fn.Properties?.LoggingConfig.LogGroup) ?? ''];
      expect(logGroup?.Properties?.RetentionInDays).toBe(30);
    }
  });

  it('sizes functions from the topology, else from the per-kind defaults', () => {
    const sizing = (handler: string) => {
      const p = functionFor(s.json, handler)[1].Properties;
      return [p?.Timeout, p?.MemorySize];
    };
    expect(sizing(topology.routes['GET /health']!.handler)).toEqual([10, 512]);
    expect(sizing(topology.routes['POST /ci/uploads']!.handler)).toEqual([15, 256]);
    expect(sizing(topology.queues.intake!.handler!)).toEqual([30, 512]);
    expect(sizing(topology.queues.reports!.handler!)).toEqual([120, 1024]);
    expect(sizing(topology.stateMachines.agent!.tasks.analyst!.handler)).toEqual([300, 512]);
    expect(sizing(topology.schedules.sweeper!.handler)).toEqual([60, 512]);
  });

  it('puts exactly the database users in the VPC, behind the shared security group', () => {
    for (const entry of entries) {
      const [, fn] = functionFor(s.json, entry.handler);
      expect(Boolean(fn.Properties?.VpcConfig), entry.key).toBe(entry.uses.includes('db'));
    }
  });
});

describe('environment and grants from uses', () => {
  it('gives every function the runtime and config keys, and nothing it did not ask for', () => {
    const [, health] = functionFor(s.json, topology.routes['GET /health']!.handler);
    const env = environmentOf(health);
    expect(env).toMatchObject({
      ASSAY_RUNTIME: 'aws',
      ASSAY_DB_NAME: 'assay',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(referencedId(env.ASSAY_DB_HOST)).toBe(idOf('AWS::RDS::DBProxy', () => true));
    expect(Object.keys(env).filter((k) => /^ASSAY_(QUEUE_URL|SECRET_ARN)_/.test(k))).toEqual([]);
    const actions = statementsOfFunction(s.json, health).flatMap(actionsOf);
    expect(actions.filter((a) => /^(s3|sqs|secretsmanager):/.test(a))).toEqual([]);
  });

  it('turns queue:* into the queue URL variable and SendMessage on that queue only', () => {
    const [, webhook] = functionFor(s.json, topology.routes['POST /webhooks/github']!.handler);
    const { queue: intake } = queueIds('intake');
    const { queue: reports } = queueIds('reports');
    expect(referencedId(environmentOf(webhook).ASSAY_QUEUE_URL_INTAKE)).toBe(intake);
    const statements = statementsOfFunction(s.json, webhook);
    expect(allows(statements, 'sqs:SendMessage', intake)).toBe(true);
    expect(allows(statements, 'sqs:SendMessage', reports)).toBe(false);
  });

  it('turns secret:* into ASSAY_SECRET_ARN_* and read access to that secret only', () => {
    const cases = [
      [topology.routes['POST /webhooks/github']!.handler, 'ASSAY_SECRET_ARN_WEBHOOK', 'Webhook'],
      [topology.routes['GET /me']!.handler, 'ASSAY_SECRET_ARN_SESSION', 'Session'],
      [topology.queues.intake!.handler!, 'ASSAY_SECRET_ARN_GITHUB_APP', 'GithubApp'],
      [topology.stateMachines.agent!.tasks.analyst!.handler, 'ASSAY_SECRET_ARN_OPENAI', 'Openai'],
    ] as const;
    for (const [handler, variable, secret] of cases) {
      const [, fn] = functionFor(s.json, handler);
      const env = environmentOf(fn);
      expect(referencedId(env[variable]), handler).toBe(secretId(secret));
      expect(Object.keys(env).filter((k) => k.startsWith('ASSAY_SECRET_ARN_'))).toEqual([variable]);
      expect(
        allows(statementsOfFunction(s.json, fn), 'secretsmanager:GetSecretValue', secretId(secret)),
      ).toBe(true);
    }
  });

  it('lets db users read the database credentials, and no one else', () => {
    const dbSecret = idOf('AWS::SecretsManager::SecretTargetAttachment', () => true);
    const [, me] = functionFor(s.json, topology.routes['GET /me']!.handler);
    const [, docs] = functionFor(s.json, topology.routes['GET /docs/{asset}']!.handler);
    expect(allows(statementsOfFunction(s.json, me), 'secretsmanager:GetSecretValue', dbSecret)).toBe(true);
    expect(allows(statementsOfFunction(s.json, docs), 'secretsmanager:GetSecretValue', dbSecret)).toBe(false);
  });

  it('maps bucket:read and bucket:write to read and write grants on the artifact bucket', () => {
    const bucket = referencedId(s.json.Outputs?.BucketName?.Value) ?? '';
    const [, ready] = functionFor(s.json, topology.routes['GET /health/ready']!.handler);
    const [, uploads] = functionFor(s.json, topology.routes['POST /ci/uploads']!.handler);
    const readActions = statementsOfFunction(s.json, ready).flatMap(actionsOf);
    expect(readActions).toContain('s3:GetObject*');
    expect(readActions.some((a) => a.startsWith('s3:Put') || a.startsWith('s3:Delete'))).toBe(false);
    expect(allows(statementsOfFunction(s.json, uploads), 's3:PutObject', bucket)).toBe(true);
  });

  it('gives queues:inspect every queue URL and GetQueueAttributes on queues and DLQs', () => {
    const [, ready] = functionFor(s.json, topology.routes['GET /health/ready']!.handler);
    const env = environmentOf(ready);
    expect(
      Object.keys(env)
        .filter((k) => k.startsWith('ASSAY_QUEUE_URL_'))
        .sort(),
    ).toEqual(['ASSAY_QUEUE_URL_DOCUMENTS', 'ASSAY_QUEUE_URL_INTAKE', 'ASSAY_QUEUE_URL_REPORTS']);
    const statements = statementsOfFunction(s.json, ready);
    for (const name of Object.keys(topology.queues)) {
      const { queue, dlq } = queueIds(name);
      expect(allows(statements, 'sqs:GetQueueAttributes', queue)).toBe(true);
      expect(allows(statements, 'sqs:GetQueueAttributes', dlq ?? '')).toBe(true);
    }
    expect(statements.flatMap(actionsOf)).not.toContain('sqs:SendMessage');
  });
});

describe('HTTP API', () => {
  it('has exactly the topology routes, each integrated with its own handler', () => {
    const routes = resourcesOfType(s.json, 'AWS::ApiGatewayV2::Route');
    // Streaming routes are served from function URLs instead (see the state machines section).
    const apiRoutes = Object.entries(topology.routes).filter(([, r]) => !r.stream);
    expect(routes.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(apiRoutes.map(([k]) => k).sort());
    for (const [, route] of routes) {
      const key = route.Properties?.RouteKey as keyof typeof topology.routes;
      const integrationId = referencedId(route.Properties?.Target['Fn::Join'][1][1]) ?? '';
      const integration = s.json.Resources[integrationId];
      expect(integration?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
      expect(referencedId(integration?.Properties?.IntegrationUri)).toBe(
        functionFor(s.json, topology.routes[key]!.handler)[0],
      );
    }
  });

  it('throttles the default stage and writes JSON access logs', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { Format: Match.stringLikeRegexp('"routeKey":"\\$context.routeKey"') },
    });
  });

  it('outputs the API URL, the webhook URL of the webhook route, and the bucket', () => {
    const outputs = s.json.Outputs ?? {};
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain('ApiEndpoint');
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toMatch(/ApiEndpoint.*"\/webhooks\/github"/);
    expect(outputs.BucketName).toBeDefined();
  });
});

describe('queues', () => {
  it('gives every topology queue a DLQ after maxReceiveCount and a DLQ-depth alarm that notifies', () => {
    const topic = referencedId(s.json.Outputs?.AlarmTopicArn?.Value);
    for (const [name, entry] of Object.entries(topology.queues)) {
      const { queue, dlq } = queueIds(name);
      expect(s.json.Resources[queue]?.Properties).toMatchObject({
        VisibilityTimeout: entry.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { maxReceiveCount: entry.maxReceiveCount },
      });
      expect(dlq).toBeDefined();
      const alarm = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm').find(
        ([, a]) => referencedId(a.Properties?.Dimensions?.[0]?.Value) === dlq,
      );
      expect(alarm?.[1].Properties, name).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
      expect(alarm?.[1].Properties?.AlarmActions.map(referencedId)).toEqual([topic]);
    }
  });

  it('consumes with the topology batch size and partial batch responses', () => {
    for (const [name, entry] of Object.entries(topology.queues)) {
      const { mapping, fn } = queueIds(name);
      if (!entry.handler) {
        expect(mapping, `${name} has no consumer yet`).toBeUndefined();
        continue;
      }
      expect(fn).toBe(functionFor(s.json, entry.handler)[0]);
      expect(mapping?.Properties).toMatchObject({
        BatchSize: entry.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(mapping?.Properties?.MaximumBatchingWindowInSeconds).toBe(entry.batchSize > 10 ? 1 : undefined);
    }
  });

  it('keeps each visibility timeout at least six times its consumer timeout', () => {
    for (const [name, entry] of Object.entries(topology.queues)) {
      if (!entry.handler) continue;
      const { fn, queue } = queueIds(name);
      const timeout = s.json.Resources[fn ?? '']?.Properties?.Timeout as number;
      expect(timeout).toBeGreaterThan(0);
      expect(s.json.Resources[queue]?.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('denies non-TLS access to every queue', () => {
    const policies = resourcesOfType(s.json, 'AWS::SQS::QueuePolicy');
    const queues = resourcesOfType(s.json, 'AWS::SQS::Queue').map(([id]) => id);
    const covered = policies
      .filter(([, p]) =>
        JSON.stringify(p.Properties?.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      )
      .flatMap(([, p]) => ((p.Properties?.Queues ?? []) as unknown[]).map(referencedId));
    expect(covered.sort()).toEqual(queues.sort());
  });
});

describe('bucket', () => {
  const bucketId = () => referencedId(s.json.Outputs?.BucketName?.Value) ?? '';

  it('blocks public access, encrypts, versions, and logs access', () => {
    expect(s.json.Resources[bucketId()]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { LogFilePrefix: 'artifacts/' },
    });
  });

  it('denies every request that is not over TLS', () => {
    const policy = resourcesOfType(s.json, 'AWS::S3::BucketPolicy').find(
      ([, p]) => referencedId(p.Properties?.Bucket) === bucketId(),
    );
    expect(policy?.[1].Properties?.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('expires tagged raw reports after the configured days', () => {
    expect(s.json.Resources[bucketId()]?.Properties?.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Id: 'expire-raw-reports',
        ExpirationInDays: 30,
        TagFilters: [{ Key: 'assay-retention', Value: 'raw-report' }],
      }),
    );
  });

  it('sends object-created events under each topology prefix to its queue', () => {
    const config = resourcesOfType(s.json, 'Custom::S3BucketNotifications')[0]?.[1].Properties;
    expect(referencedId(config?.BucketName)).toBe(bucketId());
    expect(config?.NotificationConfiguration.QueueConfigurations).toEqual(
      topology.bucketNotifications.map((n) => ({
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: expect.arrayContaining([
              { Name: 'prefix', Value: n.prefix },
              ...(n.suffix ? [{ Name: 'suffix', Value: n.suffix }] : []),
            ]),
          },
        },
        QueueArn: { 'Fn::GetAtt': [queueIds(n.queue).queue, 'Arn'] },
      })),
    );
  });
});

describe('data tier', () => {
  it('runs Aurora PostgreSQL 17 Serverless v2, scaling to zero, encrypted and protected', () => {
    s.template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: Match.stringLikeRegexp('^17\\.'),
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 600 },
      StorageEncrypted: true,
      DeletionProtection: true,
      DatabaseName: 'assay',
    });
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
  });

  it('puts a TLS-only RDS Proxy in front, reachable from the function security group only', () => {
    s.template.hasResourceProperties('AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL', RequireTLS: true });
    const proxySg = referencedId(
      resourcesOfType(s.json, 'AWS::RDS::DBProxy')[0]?.[1].Properties?.VpcSecurityGroupIds[0],
    );
    const ingress = resourcesOfType(s.json, 'AWS::EC2::SecurityGroupIngress').filter(
      ([, r]) => referencedId(r.Properties?.GroupId) === proxySg,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.[1].Properties).toMatchObject({ FromPort: 5432, ToPort: 5432 });
  });

  it('keeps AWS traffic off the NAT with endpoints for S3, SQS, Secrets Manager and Step Functions', () => {
    const services = resourcesOfType(s.json, 'AWS::EC2::VPCEndpoint').map(([, e]) =>
      JSON.stringify(e.Properties?.ServiceName),
    );
    for (const service of ['.s3', '.sqs', '.secretsmanager', '.states']) {
      expect(
        services.some((name) => name.includes(service)),
        service,
      ).toBe(true);
    }
  });

  it('migrates after the database exists and before any application function changes', () => {
    const [triggerId, trigger] = resourcesOfType(s.json, 'Custom::Trigger')[0] ?? [];
    const dependsOn = [trigger?.DependsOn ?? []].flat();
    expect(dependsOn).toContain(idOf('AWS::RDS::DBCluster', () => true));
    expect(dependsOn).toContain(idOf('AWS::RDS::DBInstance', () => true));
    expect(dependsOn).toContain(idOf('AWS::RDS::DBProxy', () => true));
    const version = s.json.Resources[referencedId(trigger?.Properties?.HandlerArn) ?? ''];
    expect(referencedId(version?.Properties?.FunctionName)).toBe(
      functionFor(s.json, FIXTURE_MIGRATION_HANDLER)[0],
    );
    expect(trigger?.Properties).toMatchObject({
      InvocationType: 'RequestResponse',
      ExecuteOnHandlerChange: true,
    });
    for (const [, fn] of resourcesOfType(s.json, 'AWS::Lambda::Function')) {
      if (/^(route|consumer|task|schedule) /.test(String(fn.Properties?.Description))) {
        expect([fn.DependsOn ?? []].flat()).toContain(triggerId);
      }
    }
  });
});

describe('state machines and schedules', () => {
  it('substitutes each task placeholder with its function, logs ALL without payloads, and traces', () => {
    const [, machine] = resourcesOfType(s.json, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    const tasks = topology.stateMachines.agent!.tasks;
    expect(machine?.Properties?.DefinitionSubstitutions).toEqual({
      analyst: { 'Fn::GetAtt': [functionFor(s.json, tasks.analyst!.handler)[0], 'Arn'] },
      approval: { 'Fn::GetAtt': [functionFor(s.json, tasks.approval!.handler)[0], 'Arn'] },
    });
    expect(JSON.parse(machine?.Properties?.DefinitionString).States.Analyst.Resource).toBe(
      taskRef('analyst'),
    );
    expect(machine?.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const statements = statementsOfRole(s.json, referencedId(machine?.Properties?.RoleArn) ?? '');
    for (const task of Object.values(tasks)) {
      expect(allows(statements, 'lambda:InvokeFunction', functionFor(s.json, task.handler)[0])).toBe(true);
    }
  });

  it('names the state machine {stack}-{name}, so uses grant it by ARN without a cycle', () => {
    const [, machine] = resourcesOfType(s.json, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    expect(machine?.Properties?.StateMachineName).toBe(`${s.stack.stackName}-agent`);
  });

  it('lets only the `workflow:…:start` route start and stop executions, and only `:decide` answer task tokens', () => {
    const machineArn = `stateMachine:${s.stack.stackName}-agent`;
    const grantsOf = (action: string) =>
      allStatements(s.json)
        .filter(({ statement }) => actionsOf(statement).includes(action))
        .map(({ statement }) => JSON.stringify(statement.Resource));
    const [, start] = functionFor(s.json, topology.routes['POST /runs']!.handler);
    const [, decide] = functionFor(s.json, topology.routes['POST /runs/{id}/decision']!.handler);
    const [, approval] = functionFor(s.json, topology.stateMachines.agent!.tasks.approval!.handler);
    const has = (fn: CfnResource, action: string) =>
      statementsOfFunction(s.json, fn).some((st) => st.Effect === 'Allow' && actionsOf(st).includes(action));
    expect(has(start, 'states:StartExecution')).toBe(true);
    expect(has(start, 'states:StopExecution')).toBe(true);
    expect(has(start, 'states:SendTaskSuccess')).toBe(false);
    for (const fn of [decide, approval]) {
      expect(has(fn, 'states:SendTaskSuccess')).toBe(true);
      expect(has(fn, 'states:SendTaskFailure')).toBe(true);
      expect(has(fn, 'states:StartExecution')).toBe(false);
    }
    for (const action of ['states:StartExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure']) {
      const resources = grantsOf(action);
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(resource).toContain(machineArn);
    }
    for (const resource of grantsOf('states:StopExecution'))
      expect(resource).toContain(`execution:${s.stack.stackName}-agent:*`);
    expect(environmentOf(start).ASSAY_AGENT_STATE_MACHINE_ARN).toBeDefined();
  });

  it('serves a streaming route from a function URL with response streaming, not through API Gateway', () => {
    const [streamId] = functionFor(s.json, topology.routes['GET /runs/{id}/stream']!.handler);
    const urls = resourcesOfType(s.json, 'AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    expect(urls[0]?.[1].Properties).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    expect(referencedId(urls[0]?.[1].Properties?.TargetFunctionArn)).toBe(streamId);
    const routeKeys = resourcesOfType(s.json, 'AWS::ApiGatewayV2::Route').map(
      ([, r]) => r.Properties?.RouteKey,
    );
    expect(routeKeys).not.toContain('GET /runs/{id}/stream');
    expect(routeKeys).toContain('POST /runs');
    expect(Object.keys(s.json.Outputs ?? {}).some((k) => k.startsWith('EventsStreamUrl'))).toBe(true);
  });

  it('raises an alarm when an execution fails, times out or is aborted', () => {
    const metrics = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm')
      .filter(([, a]) => a.Properties?.Namespace === 'AWS/States')
      .map(([, a]) => a.Properties?.MetricName);
    expect(metrics.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  it('invokes each schedule handler at its rate', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionFor(s.json, topology.schedules.sweeper!.handler)[0], 'Arn'] },
        }),
      ],
    });
  });
});

describe('single-use runners (issue 25)', () => {
  it('runs the verify runner as Fargate tasks only, with a task role that has no statement', () => {
    const [[taskId, task]] = resourcesOfType(s.json, 'AWS::ECS::TaskDefinition') as [[string, CfnResource]];
    expect(taskId).toMatch(/^RunnerVerify/);
    expect(task.Properties?.RequiresCompatibilities).toEqual(['FARGATE']);
    expect(task.Properties?.NetworkMode).toBe('awsvpc');
    // Single use: no service keeps a task alive; each run is one RunTask.
    expect(resourcesOfType(s.json, 'AWS::ECS::Service')).toEqual([]);
    const taskRole = referencedId(task.Properties?.TaskRoleArn);
    expect(taskRole).toBeDefined();
    expect(statementsOfRole(s.json, taskRole!)).toEqual([]);
    expect(s.json.Resources[taskRole!]?.Properties?.ManagedPolicyArns).toBeUndefined();
    // The execution role (ECS's, not the code's) may pull the image and write this runner's own logs only.
    const executionRole = referencedId(task.Properties?.ExecutionRoleArn)!;
    const logGroup = referencedId(
      task.Properties?.ContainerDefinitions[0].LogConfiguration.Options['awslogs-group'],
    )!;
    for (const statement of statementsOfRole(s.json, executionRole)) {
      const actions = actionsOf(statement);
      const logs = actions.filter((a) => a.startsWith('logs:'));
      if (logs.length > 0) expect(referencedId([statement.Resource].flat()[0]) ?? '', 'logs').toBe(logGroup);
      expect(
        actions.every((a) => a.startsWith('logs:') || a.startsWith('ecr:')),
        actions.join(),
      ).toBe(true);
    }
  });

  it('gives the runner nothing secret and no route to the data tier', () => {
    const [[, task]] = resourcesOfType(s.json, 'AWS::ECS::TaskDefinition') as [[string, CfnResource]];
    const [container] = task.Properties?.ContainerDefinitions ?? [];
    expect(container.Secrets).toBeUndefined();
    expect(container.User).toBe('65534:65534');
    const names = (container.Environment as { Name: string }[]).map((e) => e.Name).sort();
    expect(names).toEqual(['ASSAY_LOG_LEVEL', 'ASSAY_RUNTIME', 'ASSAY_VERIFY_SANDBOX']);
    // Its own VPC: public subnets only, no NAT, no endpoints, no peering; out on the web ports only.
    const vpcs = resourcesOfType(s.json, 'AWS::EC2::VPC').map(([id]) => id);
    expect(vpcs.filter((id) => id.startsWith('RunnerVerify'))).toHaveLength(1);
    expect(resourcesOfType(s.json, 'AWS::EC2::VPCPeeringConnection')).toEqual([]);
    const runnerVpc = vpcs.find((id) => id.startsWith('RunnerVerify'))!;
    for (const type of ['AWS::EC2::NatGateway', 'AWS::EC2::VPCEndpoint'])
      for (const [, r] of resourcesOfType(s.json, type))
        expect(referencedId(r.Properties?.VpcId ?? r.Properties?.SubnetId)).not.toBe(runnerVpc);
    const [[, group]] = resourcesOfType(s.json, 'AWS::EC2::SecurityGroup').filter(([id]) =>
      id.startsWith('RunnerVerify'),
    ) as [[string, CfnResource]];
    expect(
      (
        (group.Properties?.SecurityGroupEgress ?? []) as {
          IpProtocol: string;
          FromPort: number;
          ToPort: number;
        }[]
      ).map((e) => [e.IpProtocol, e.FromPort, e.ToPort]),
    ).toEqual([['tcp', 443, 443]]);
  });
});

describe('IAM and cdk-nag', () => {
  /** Actions AWS offers no resource-level permission for (or on a resource unknown at synthesis). */
  const STAR_RESOURCE_ACTIONS = new Set([
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
    'logs:PutRetentionPolicy',
    'logs:DeleteRetentionPolicy',
    // The runner's execution role (ECS pulls its image): no resource-level permission exists.
    'ecr:GetAuthorizationToken',
  ]);

  it('has no policy granting wildcard actions, and Resource * only for actions that cannot be scoped', () => {
    for (const { owner, statement } of allStatements(s.json)) {
      if (statement.Effect !== 'Allow') continue;
      expect(
        actionsOf(statement).filter((a) => a === '*' || a.endsWith(':*')),
        owner,
      ).toEqual([]);
      if ([statement.Resource].flat().includes('*')) {
        expect(
          actionsOf(statement).filter((a) => !STAR_RESOURCE_ACTIONS.has(a)),
          owner,
        ).toEqual([]);
      }
    }
  });

  it('leaves no cdk-nag finding (error or warning) unacknowledged', () => {
    expect(s.violations).toEqual([]);
  });

  it('uses every IAM justification, each with a written reason', () => {
    const used = [...s.stack.iamFindings.acknowledged.values()].flatMap((m) => [...m.values()]);
    for (const justification of IAM_JUSTIFICATIONS) {
      expect(justification.reason.length).toBeGreaterThan(40);
      expect(used, justification.finding.source).toContain(justification.reason);
    }
  });

  it('really runs cdk-nag: an unencrypted queue without TLS policy is reported', () => {
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { '@aws-cdk/core:failSynthOnValidationErrors': false },
    });
    new sqs.Queue(new Stack(app, 'Control'), 'Bad', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    addNagChecks(app);
    const dir = app.synth().directory;
    const report = readFileSync(join(dir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AwsSolutions-SQS3');
    expect(report).toContain('AwsSolutions-SQS4');
  });
});

describe('bundles', () => {
  it('bundles minified ESM with a source map and keeps nodeModules external but shipped', () => {
    const dir = s.assetDir(functionFor(s.json, topology.routes['GET /docs/{asset}']!.handler)[0]);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*"swagger-ui-dist\/absolute-path\.js"/);
    expect(code.split('\n').length).toBeLessThan(10);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/swagger-ui-dist/swagger-ui.css'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/@scarf/scarf/package.json'))).toBe(true);
    expect(
      existsSync(
        join(s.assetDir(functionFor(s.json, topology.routes['GET /me']!.handler)[0]), 'node_modules'),
      ),
    ).toBe(false);
  });

  it('runs a bundle that reads files from a shipped package, as Lambda would load it', async () => {
    const dir = s.assetDir(functionFor(s.json, topology.routes['GET /docs/{asset}']!.handler)[0]);
    const result = await invokeBundle(dir, {}, {});
    const css = statSync(join(projectRoot, 'node_modules/swagger-ui-dist/swagger-ui.css')).size;
    expect(result).toEqual({ statusCode: 200, body: String(css) });
  });

  it('runs a bundle that inlines a CommonJS dependency (the ESM require shim)', async () => {
    const [id, fn] = functionFor(s.json, topology.routes['GET /health/ready']!.handler);
    const result = await invokeBundle(s.assetDir(id), {}, { ASSAY_QUEUE_URL_INTAKE: 'https://q/intake' });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({ pool: 'function', queues: ['ASSAY_QUEUE_URL_INTAKE'] });
    expect(Object.keys(environmentOf(fn))).toContain('ASSAY_QUEUE_URL_REPORTS');
  });
});

describe('topology mistakes fail synthesis', () => {
  const build = (changes: Partial<Topology>) =>
    buildAssayApp({
      topology: { ...topology, ...changes },
      projectRoot,
      nag: false,
      migrationHandler: FIXTURE_MIGRATION_HANDLER,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    });
  const health = topology.routes['GET /health']!;

  it('refuses a use naming no queue', async () => {
    await expect(build({ routes: { 'GET /health': { ...health, uses: ['queue:nope'] } } })).rejects.toThrow(
      'route "GET /health" uses "queue:nope" but the topology has no queue "nope"',
    );
  });

  it('refuses a visibility timeout under six consumer timeouts', async () => {
    const intake = { ...topology.queues.intake!, visibilityTimeoutSeconds: 60 };
    await expect(build({ queues: { ...topology.queues, intake } })).rejects.toThrow(
      'Queue "intake": visibilityTimeoutSeconds 60 < 6 × consumer timeout 30s (180s)',
    );
  });

  it('refuses a bucket notification to no queue', async () => {
    await expect(build({ bucketNotifications: [{ prefix: 'x/', queue: 'nope' }] })).rejects.toThrow(
      'Bucket notification for "x/" names no queue',
    );
  });

  it('refuses a state machine whose tasks and placeholders differ', async () => {
    const agent = topology.stateMachines.agent!;
    const tasks = { analyst: agent.tasks.analyst! };
    await expect(build({ stateMachines: { agent: { ...agent, tasks } } })).rejects.toThrow(
      'placeholders without a task [approval]',
    );
  });
});

describe('migration re-runs', () => {
  const handlerVersion = async (context: Record<string, unknown>) => {
    const { app, stack } = await buildAssayApp({
      topology: { routes: {}, queues: {}, bucketNotifications: [], stateMachines: {}, schedules: {} },
      projectRoot,
      nag: false,
      builtinValidation: false,
      migrationHandler: FIXTURE_MIGRATION_HANDLER,
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
    });
    const json = app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<string, CfnResource>;
    };
    return referencedId(
      Object.values(json.Resources).find((r) => r.Type === 'Custom::Trigger')?.Properties?.HandlerArn,
    );
  };

  it('on every deploy: each synthesis gets a new marker, though no migration changed', async () => {
    const first = await handlerVersion({});
    expect(first).toBeDefined();
    await new Promise((r) => setTimeout(r, 5));
    expect(await handlerVersion({})).not.toBe(first);
  });

  it('is stable for one given marker and changes with it', async () => {
    const pinned = await handlerVersion({ 'assay:migrationRun': '2026-11-22' });
    expect(await handlerVersion({ 'assay:migrationRun': '2026-11-22' })).toBe(pinned);
    expect(await handlerVersion({ 'assay:migrationRun': '2026-11-23' })).not.toBe(pinned);
  });
});

describe('settings reach the stack', () => {
  it('builds a private VPC without NAT or interface endpoints, and a database that never pauses', async () => {
    const { app, stack } = await buildAssayApp({
      topology,
      projectRoot,
      nag: false,
      builtinValidation: false,
      migrationHandler: FIXTURE_MIGRATION_HANDLER,
      context: {
        ...cdkJsonContext(),
        'aws:cdk:bundling-stacks': [],
        'assay:natGateways': '0',
        'assay:interfaceEndpoints': 'false',
        'assay:dbMinCapacity': '0.5',
        'assay:rawReportExpiryDays': '7',
      },
    });
    const json = app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<string, CfnResource>;
    };
    const types = Object.values(json.Resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::EC2::NatGateway');
    expect(types).not.toContain('AWS::EC2::InternetGateway');
    const endpoints = Object.values(json.Resources).filter((r) => r.Type === 'AWS::EC2::VPCEndpoint');
    expect(endpoints.map((e) => e.Properties?.VpcEndpointType ?? 'Gateway')).toEqual(['Gateway']);
    const cluster = Object.values(json.Resources).find((r) => r.Type === 'AWS::RDS::DBCluster');
    expect(cluster?.Properties?.ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0.5,
      MaxCapacity: 4,
    });
    const bucket = Object.values(json.Resources).find(
      (r) => r.Properties?.LifecycleConfiguration?.Rules?.[0]?.TagFilters,
    );
    expect(bucket?.Properties?.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(7);
  });
});
