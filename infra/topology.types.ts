/**
 * Types of the one map of the system (`infra/topology.ts`). Plain data only:
 * read both by the CDK stack and by the local runtime.
 */

/** Who may call a route; the HTTP kit enforces it. */
export type RouteAuth = 'public' | 'webhook' | 'session' | 'ci';

/** What a handler touches; decides IAM grants and environment on AWS. */
export type Use =
  | 'db'
  | 'bucket:read'
  | 'bucket:write'
  | 'queues:inspect'
  | `queue:${string}`
  | 'secret:github-app'
  | 'secret:webhook'
  | 'secret:session'
  | 'secret:openai'
  /** `workflow:<state machine>:start` (StartExecution, StopExecution, DescribeExecution) or `:decide` (SendTaskSuccess/Failure). */
  | `workflow:${string}:${'start' | 'decide'}`;

interface FunctionEntry {
  /** Path of the handler module from the repository root; it exports `handler`. */
  handler: string;
  uses: readonly Use[];
  /** Lambda timeout in seconds (default 10 for routes, 30 for consumers). */
  timeoutSeconds?: number;
  /** Lambda memory in MB (default 512). */
  memoryMb?: number;
  /** Packages shipped beside the bundle instead of inlined (files read at run time). */
  nodeModules?: readonly string[];
  /** CPU architecture (default arm64); x86_64 for binaries built only for it (the crawler's Chromium). */
  architecture?: 'arm64' | 'x86_64';
  /** Size of /tmp in MB (default 512; Chromium unpacks there). */
  ephemeralStorageMb?: number;
}

export interface RouteEntry extends FunctionEntry {
  auth: RouteAuth;
  /**
   * A streamed response (Server-Sent Events): served by the local HTTP server as it is written, and on
   * AWS from a Lambda function URL with response streaming (API Gateway HTTP APIs buffer responses).
   */
  stream?: true;
}

export interface QueueEntry extends Omit<FunctionEntry, 'handler'> {
  /** Consumer module; absent while its consumer is not built yet (messages then wait in the queue). */
  handler?: string;
  /** Messages per consumer invocation. */
  batchSize: number;
  /** Seconds a received message stays hidden; at least 6 × the consumer's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

export interface BucketNotification {
  /** Object key prefix that triggers the notification. */
  prefix: string;
  suffix?: string;
  queue: string;
}

export interface StateMachineEntry {
  /** Module under infra/workflows exporting the ASL definition. */
  definition: string;
  /** Task name → step handler. */
  tasks: Readonly<Record<string, FunctionEntry>>;
}

export interface ScheduleEntry extends FunctionEntry {
  /** EventBridge rate, in minutes (the default when `everyMinutesSetting` is not set). */
  everyMinutes: number;
  /**
   * `ASSAY_*` variable that overrides `everyMinutes` (whole minutes, 1–1440):
   * read from the environment by the local scheduler and from the deployment's
   * `assay:environment` context by CDK (see `scheduleEveryMinutes`).
   */
  everyMinutesSetting?: string;
}

/** `METHOD /path/{param}` exactly as API Gateway HTTP APIs spell a route key. */
export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

export interface Topology {
  routes: Readonly<Record<RouteKey, RouteEntry>>;
  queues: Readonly<Record<string, QueueEntry>>;
  bucketNotifications: readonly BucketNotification[];
  stateMachines: Readonly<Record<string, StateMachineEntry>>;
  schedules: Readonly<Record<string, ScheduleEntry>>;
  /** Single-use environments for code Assay did not write, by name. */
  runners?: Readonly<Record<string, RunnerEntry>>;
}

/**
 * A single-use environment that runs code Assay did not write (issue 25: the
 * verify runner for model-written Playwright tests). Locally: the sandbox of
 * `shared/agents/verify/sandbox.ts` (util-linux `unshare`). On AWS: a Fargate
 * task per run in a VPC of its own — public subnets, no NAT, no endpoints, no
 * route to the data tier — whose task role has no permissions and whose
 * environment holds nothing secret.
 */
export interface RunnerEntry {
  /** Dockerfile of the runner's image, relative to the project root (AWS). */
  dockerfile: string;
  /** Fargate vCPU units (1024 = 1 vCPU). */
  cpu: 256 | 512 | 1024 | 2048 | 4096;
  /** Fargate memory, MiB. */
  memoryMb: number;
  /** Bound on one run, seconds (the state machine's `.sync` wait). */
  timeoutSeconds: number;
  /** TCP ports the runner may connect out to (the crawled apps' web ports). */
  egressPorts: readonly number[];
}
