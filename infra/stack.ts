import { Aspects, CfnOutput, Duration, NestedStack, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { AppFunction, type FunctionKind, type FunctionSpec } from './constructs/app-function.ts';
import { AppSecrets } from './constructs/app-secrets.ts';
import { ArtifactBucket } from './constructs/artifact-bucket.ts';
import { Database } from './constructs/database.ts';
import { StreamingRoute } from './constructs/event-stream.ts';
import { HttpApi } from './constructs/http-api.ts';
import { IAM_JUSTIFICATIONS } from './constructs/iam-justifications.ts';
import { MigrationStep } from './constructs/migration-step.ts';
import { JustifiedIamFindings } from './constructs/nag.ts';
import { handlerId, parseRouteKey, pascalCase, type RouteGroup, routeGroup } from './constructs/naming.ts';
import { Network } from './constructs/network.ts';
import { checkVisibilityTimeout, QueueWithDlq } from './constructs/queue-with-dlq.ts';
import type { DeploymentSettings } from './constructs/settings.ts';
import { SharedRoles } from './constructs/shared-roles.ts';
import { SingleUseRunner } from './constructs/single-use-runner.ts';
import { planUses } from './constructs/uses.ts';
import type { Wiring } from './constructs/wiring.ts';
import { Workflow } from './constructs/workflow.ts';
import type { WorkflowDefinitions } from './constructs/workflow-definition.ts';
import { scheduleEveryMinutes } from './schedule-rate.ts';
import type { RouteEntry, RouteKey, Topology } from './topology.types.ts';

/** Props of {@link AssayStack}. */
export interface AssayStackProps extends Omit<StackProps, 'env'> {
  /** The map to build: `infra/topology.ts` in the app, richer fixtures in tests. */
  readonly topology: Topology;
  /** Loaded ASL of every state machine in the topology (see `loadWorkflowDefinitions`). */
  readonly workflows: WorkflowDefinitions;
  readonly settings: DeploymentSettings;
  /** Repository root; topology handler paths are relative to it. */
  readonly projectRoot: string;
  /** Repository-relative migration handler (defaults to `infra/constructs/migration-handler.ts`). */
  readonly migrationHandler?: string;
}

/**
 * Assay on AWS, built by looping over the topology: a Lambda per route,
 * consumer, workflow task and schedule, with environment and IAM grants from
 * each entry's `uses`; queues with DLQs and alarms; bucket notifications;
 * state machines; schedules; the data tier; and a migration step on deploy.
 * Nothing per handler is wired here by hand.
 */
export class AssayStack extends Stack {
  /** Every application function, by construct path (for tests and reports). */
  readonly functions = new Map<string, AppFunction>();
  /** Single-use runners (`topology.runners`), by name. */
  readonly runners = new Map<string, SingleUseRunner>();
  /** The IAM findings acknowledged against {@link IAM_JUSTIFICATIONS}. */
  readonly iamFindings = new JustifiedIamFindings(IAM_JUSTIFICATIONS);
  private readonly zones: string[];
  private readonly wiring: Wiring;
  private readonly alarms: AlarmTopic;
  private readonly shared: SharedRoles;

  constructor(scope: Construct, id: string, props: AssayStackProps) {
    const { settings, topology } = props;
    super(scope, id, {
      ...props,
      env: { account: settings.account, region: settings.region },
      description: 'Assay: serverless QA platform for GitHub teams',
    });
    this.zones = [...settings.availabilityZones];
    Tags.of(this).add('app', 'assay');
    Aspects.of(this).add(this.iamFindings);

    const network = new Network(this, 'Network', {
      availabilityZones: settings.availabilityZones,
      natGateways: settings.natGateways,
      interfaceEndpoints: settings.interfaceEndpoints,
    });
    const database = new Database(this, 'Database', {
      vpc: network.vpc,
      dataSubnets: network.dataSubnets,
      proxySubnets: network.appSubnets,
      ...settings.database,
    });
    database.allowFrom(network.appSecurityGroup);
    const secrets = new AppSecrets(this, 'Secrets');
    const { bucket } = new ArtifactBucket(this, 'Storage', {
      rawReportExpiryDays: settings.rawReportExpiryDays,
      crawlScreenshotExpiryDays: settings.crawlScreenshotExpiryDays,
    });
    this.alarms = new AlarmTopic(this, 'Alarms', { email: settings.alarmEmail });
    this.shared = new SharedRoles(this, 'Shared');
    const api = new HttpApi(this, 'Http', settings.throttle);
    const queues = new Map<string, QueueWithDlq>();
    for (const [name, entry] of Object.entries(topology.queues)) {
      queues.set(
        name,
        new QueueWithDlq(this, `Queue${pascalCase(name)}`, { name, entry, alarms: this.alarms }),
      );
    }

    this.wiring = {
      projectRoot: props.projectRoot,
      network,
      database,
      bucket,
      queues,
      secrets,
      environment: {
        ...settings.environment,
        ASSAY_RUNTIME: 'aws',
        ASSAY_LOG_LEVEL: settings.logLevel,
        POWERTOOLS_SERVICE_NAME: 'assay',
        NODE_OPTIONS: '--enable-source-maps',
        ASSAY_PUBLIC_URL: api.endpoint,
        ASSAY_DB_HOST: database.host,
        ASSAY_DB_NAME: database.databaseName,
        ASSAY_DB_SECRET_ARN: database.secret.secretArn,
        ASSAY_S3_BUCKET: bucket.bucketName,
      },
    };

    this.addRoutes(topology.routes, api);
    this.addConsumers(topology.queues);
    this.addBucketNotifications(topology.bucketNotifications, bucket);
    this.addWorkflows(topology.stateMachines, props.workflows);
    this.addSchedules(topology.schedules, settings.environment);
    // A runner needs the internet (the crawled apps, the image registry): a deployment without egress
    // (no NAT) has none, and there verify answers `ran: false` as it does in any Lambda.
    for (const [name, entry] of Object.entries(settings.natGateways > 0 ? (topology.runners ?? {}) : {})) {
      const runner = new SingleUseRunner(this, `Runner${pascalCase(name)}`, {
        name,
        entry,
        projectRoot: props.projectRoot,
        availabilityZones: settings.availabilityZones,
      });
      this.runners.set(name, runner);
      this.output(
        `Runner${pascalCase(name)}TaskDefinitionArn`,
        runner.taskDefinition.taskDefinitionArn,
        `Single-use ${name} runner (Fargate task definition)`,
      );
    }

    // Migrations run once the database is reachable, and before new code goes live.
    const migration = new MigrationStep(this, 'Migration', {
      wiring: this.wiring,
      ...(props.migrationHandler ? { handler: props.migrationHandler } : {}),
      after: [database, ...network.endpoints],
      run: settings.migrationRun,
    });
    migration.before(...this.functions.values());

    this.output('ApiUrl', api.endpoint, 'Base URL of the Assay API');
    const webhook = Object.entries(topology.routes).find(([, route]) => route.auth === 'webhook');
    if (webhook) {
      const { path } = parseRouteKey(webhook[0]);
      this.output('WebhookUrl', `${api.endpoint}${path}`, 'Webhook URL for the GitHub App');
    }
    this.output('BucketName', bucket.bucketName, 'Artifact bucket');
    this.output(
      'AlarmTopicArn',
      this.alarms.topic.topicArn,
      'Alarm notifications (dead letters, failed workflows)',
    );
    for (const [name, secret] of secrets.entries()) {
      this.output(`Secret${pascalCase(name)}Arn`, secret.secretArn, `Secrets Manager secret "${name}"`);
    }
  }

  /** Zones from the deployment context: synthesis never looks them up. */
  override get availabilityZones(): string[] {
    return this.zones;
  }

  /**
   * One function per route, behind the HTTP API, in a nested stack per route
   * group (`Routes{Edge,Orgs,Repos}`, see `routeGroup`): each route costs four
   * resources (function, integration, permission, route), which would take the
   * parent past CloudFormation's 500 per stack. Roles, log groups, queues and
   * the API stay in the parent; CDK passes their references as parameters.
   */
  private addRoutes(routes: Topology['routes'], api: HttpApi): void {
    const ids = new Set<string>();
    const groups = new Map<RouteGroup, NestedStack>();
    for (const [key, entry] of Object.entries(routes) as [RouteKey, RouteEntry][]) {
      const id = `Route${handlerId(entry.handler)}`;
      if (ids.has(id)) throw new Error(`Two routes share the handler name ${id} ("${key}")`);
      ids.add(id);
      if (entry.stream) {
        // Streamed responses bypass API Gateway (a function URL): the function stays in the parent,
        // so the stream URL is one of the stack's outputs.
        const fn = this.addFunction(this, id, 'route', key, entry).fn;
        new StreamingRoute(fn, 'Stream', { fn, routeKey: key });
        continue;
      }
      const group = routeGroup(key);
      let scope = groups.get(group);
      if (!scope) {
        scope = new NestedStack(this, `Routes${group}`, { description: `Assay routes: ${group}` });
        groups.set(group, scope);
      }
      const route = this.addFunction(scope, id, 'route', key, entry);
      api.addRoute(route, 'Route', key, route.fn, entry.auth);
    }
  }

  /**
   * A consumer per queue that has a handler: partial batch responses, and a
   * visibility timeout of at least 6 × its timeout. A queue without a handler
   * keeps its messages until its consumer is deployed.
   */
  private addConsumers(queues: Topology['queues']): void {
    for (const [name, entry] of Object.entries(queues)) {
      const queue = this.wiring.queues.get(name);
      if (!queue || !entry.handler) continue;
      const spec = { ...entry, handler: entry.handler };
      const consumer = this.addFunction(queue, 'Consumer', 'consumer', `queue ${name}`, spec);
      checkVisibilityTimeout(name, entry.visibilityTimeoutSeconds, consumer.timeoutSeconds);
      consumer.fn.addEventSource(
        new eventSources.SqsEventSource(queue.queue, {
          batchSize: entry.batchSize,
          reportBatchItemFailures: true,
          // SQS requires a batching window for batches over 10.
          ...(entry.batchSize > 10 ? { maxBatchingWindow: Duration.seconds(1) } : {}),
        }),
      );
    }
  }

  /** Object created under a prefix (and suffix) → a queue. */
  private addBucketNotifications(notifications: Topology['bucketNotifications'], bucket: s3.IBucket): void {
    for (const notification of notifications) {
      const queue = this.wiring.queues.get(notification.queue);
      if (!queue) throw new Error(`Bucket notification for "${notification.prefix}" names no queue`);
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue.queue), {
        prefix: notification.prefix,
        ...(notification.suffix ? { suffix: notification.suffix } : {}),
      });
    }
  }

  /** A state machine per entry, with one function per task substituted into its ASL. */
  private addWorkflows(machines: Topology['stateMachines'], definitions: WorkflowDefinitions): void {
    for (const [name, entry] of Object.entries(machines)) {
      const definition = definitions[name];
      if (!definition) throw new Error(`State machine "${name}" has no loaded definition`);
      const tasks = new Map(
        Object.entries(entry.tasks).map(([task, spec]) => {
          const id = `Workflow${pascalCase(name)}Task${pascalCase(task)}`;
          return [task, this.addFunction(this, id, 'task', `${name}.${task}`, spec).fn] as const;
        }),
      );
      new Workflow(this, `Workflow${pascalCase(name)}`, { name, definition, tasks, alarms: this.alarms });
    }
  }

  /** An EventBridge rule per schedule, retried twice. */
  private addSchedules(
    schedules: Topology['schedules'],
    environment: Readonly<Record<string, string>>,
  ): void {
    for (const [name, entry] of Object.entries(schedules)) {
      const fn = this.addFunction(this, `Schedule${pascalCase(name)}`, 'schedule', name, entry);
      const minutes = scheduleEveryMinutes(name, entry, environment);
      new events.Rule(fn, 'Rule', {
        description: `Assay schedule "${name}" every ${minutes} min`,
        schedule: events.Schedule.rate(Duration.minutes(minutes)),
        targets: [new targets.LambdaFunction(fn.fn, { retryAttempts: 2 })],
      });
    }
  }

  private addFunction(parent: Construct, id: string, kind: FunctionKind, key: string, spec: FunctionSpec) {
    const uses = planUses(spec.uses, [...this.wiring.queues.keys()], `${kind} "${key}"`);
    const fn = new AppFunction(parent, id, {
      spec,
      kind,
      uses,
      description: `${kind} ${key} (${spec.handler})`,
      wiring: this.wiring,
      // Routes are most of the functions: they share roles (by identical uses) and a log group.
      logGroup: this.shared.logGroupFor(kind),
      ...(kind === 'route' ? { role: this.shared.roleFor(uses) } : {}),
    });
    this.functions.set(fn.node.path, fn);
    return fn;
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }
}
