import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3EventRecord } from 'aws-lambda';
import type { Kysely } from 'kysely';
import { ensureLocalQueueSchema, sendLocalMessage } from '../../shared/adapters/local-queue-store.ts';
import { ensureLocalWorkflowSchema } from '../../shared/adapters/local-workflow-store.ts';
import { getConfig, resetConfig } from '../../shared/config.ts';
import { closeDb, getDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';
import { decodeS3EventKey } from '../../shared/text/decode.ts';
import { loadWorkflowDefinitions } from '../constructs/workflow-definition.ts';
import { topology as defaultTopology } from '../topology.ts';
import type { Topology } from '../topology.types.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { applyDevSecrets } from './dev-secrets.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { FakeGitHub } from './github-double/index.ts';
import { startLocalHttpServer } from './http-server.ts';
import { startLocalObjectStore } from './object-store.ts';
import { LocalQueueEngine, type QueueEngineOptions } from './queue-engine.ts';
import { LocalScheduler } from './scheduler.ts';
import { LocalWorkflowEngine } from './workflow-engine.ts';

export const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface LocalRuntimeOptions {
  dataDir: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** Local S3 port; 0 picks a free one. */
  s3Port: number;
  /** Use this Postgres instead of the embedded PGlite. */
  databaseUrl?: string;
  topology?: Topology;
  root?: string;
  bucket?: string;
  queueOverrides?: QueueEngineOptions['overrides'];
  pollIntervalMs?: number;
  maxBodyBytes?: number;
  /** Start the queue pollers and schedules (tests may drive them by hand). */
  autoStart?: boolean;
  log?: (message: string) => void;
  /**
   * Run the local GitHub double (`infra/local/github-double`) and point Assay
   * at it as its GitHub App (what `npm start` does when `ASSAY_GITHUB_APP_ID`
   * is unset), so `assay dev` can play GitHub.
   */
  githubDouble?: boolean;
  /** One human-readable line per request and per queue message (`npm start` in a terminal). */
  accessLog?: (line: string) => void;
}

export interface LocalRuntime {
  url: string;
  s3Endpoint: string;
  databaseUrl: string;
  embeddedDatabase: boolean;
  db: Kysely<Database>;
  queues: LocalQueueEngine;
  scheduler: LocalScheduler;
  /** The state-machine runner (agent runs). */
  workflows: LocalWorkflowEngine;
  /** The GitHub double, when `githubDouble` was asked for. */
  githubDouble?: FakeGitHub;
  stop(): Promise<void>;
}

const clock = () => new Date().toTimeString().slice(0, 8);
const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** `12:00:01 GET /api/v1/orgs/acme/repos 200 12 ms` */
function requestLine(write: (line: string) => void) {
  return (r: { method: string; path: string; status: number; ms: number }) =>
    write(`${clock()} ${r.method} ${r.path} ${r.status} ${duration(r.ms)}`);
}

/** `12:00:01 queue checklist 5f3a9c1e done 34 ms` (or `failed, receive 2`) */
function messageLine(write: (line: string) => void) {
  return (m: { queue: string; id: string; ok: boolean; receiveCount: number; ms: number }) =>
    write(
      `${clock()} queue ${m.queue} ${m.id.slice(0, 8)} ${m.ok ? 'done' : `failed, receive ${m.receiveCount}`} ${duration(m.ms)}`,
    );
}

/** Routes an S3 object-created record to the queues whose notification matches its key. */
function notificationTargets(topology: Topology, key: string): string[] {
  return topology.bucketNotifications
    .filter((n) => key.startsWith(n.prefix) && (n.suffix === undefined || key.endsWith(n.suffix)))
    .map((n) => n.queue);
}

/**
 * Runs Assay on one machine from the same topology as AWS: embedded Postgres
 * (or `databaseUrl`) migrated to the latest schema, a local S3 whose
 * object-created events feed local queues, durable queue pollers, schedules,
 * and an HTTP server in place of API Gateway.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const topology = options.topology ?? defaultTopology;
  const root = options.root ?? repositoryRoot;
  const log = options.log ?? (() => undefined);
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };

  try {
    const lock = lockDataDir(options.dataDir);
    cleanups.push(lock.release);
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres(options.dataDir);
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      // pglite-socket runs every connection through one Postgres session, so
      // interleaved extended-protocol messages from two connections clash.
      process.env.ASSAY_DB_POOL_MAX = '1';
      // PGlite connects everyone as its superuser, which row-level security does not bind:
      // the app switches to the tables' owner, as it runs on Aurora (see database-owner.ts).
      process.env.ASSAY_DB_SESSION_ROLE = embedded.sessionRole;
    }
    applyDevSecrets(options.dataDir);
    let githubDouble: FakeGitHub | undefined;
    if (options.githubDouble) {
      githubDouble = await new FakeGitHub({ appSlug: 'assay-local' }).start();
      const double = githubDouble;
      cleanups.push(() => double.stop());
      process.env.ASSAY_GITHUB_API_URL = double.url;
      process.env.ASSAY_GITHUB_APP_ID = double.credentials.appId;
      process.env.ASSAY_GITHUB_PRIVATE_KEY = double.credentials.privateKey;
      // The double also plays github.com's sign-in and authorise pages ("Sign in with GitHub" locally).
      if (!process.env.ASSAY_GITHUB_CLIENT_ID) {
        process.env.ASSAY_GITHUB_WEB_URL = double.url;
        process.env.ASSAY_GITHUB_CLIENT_ID = double.oauth.clientId;
        process.env.ASSAY_GITHUB_CLIENT_SECRET = double.oauth.clientSecret;
      }
    }
    process.env.ASSAY_RUNTIME = 'local';
    process.env.DATABASE_URL = databaseUrl;
    if (options.bucket) process.env.ASSAY_S3_BUCKET = options.bucket;
    resetConfig();

    const db = await getDb();
    cleanups.push(() => closeDb());
    await migrateToLatest(db);
    await ensureLocalQueueSchema(db);
    await ensureLocalWorkflowSchema(db);

    const bucket = getConfig().ASSAY_S3_BUCKET;
    // The console is served by this runtime: its origin (and ASSAY_PUBLIC_URL's) may upload from a browser.
    const consoleOrigins: string[] = [];
    const objectStore = await startLocalObjectStore({
      dataDir: options.dataDir,
      bucket,
      port: options.s3Port,
      allowedOrigins: () => consoleOrigins,
      onObjectCreated: async (record: S3EventRecord) => {
        // An undecodable key matches no prefix as it is; the consumer discards it.
        const key = decodeS3EventKey(record.s3.object.key) ?? record.s3.object.key;
        for (const queue of notificationTargets(topology, key)) {
          await sendLocalMessage(db, queue, JSON.stringify({ Records: [record] }));
        }
      },
      onError: (error) => log(`[s3] notification failed: ${String(error)}`),
    });
    cleanups.push(() => objectStore.stop());
    process.env.ASSAY_S3_ENDPOINT = objectStore.endpoint;
    resetConfig();

    const queues = new LocalQueueEngine({
      root,
      db,
      queues: topology.queues,
      pollIntervalMs: options.pollIntervalMs,
      overrides: options.queueOverrides,
      onError: (queue, error) =>
        log(`[queue ${queue}] ${error instanceof Error ? error.message : String(error)}`),
      ...(options.accessLog ? { onMessage: messageLine(options.accessLog) } : {}),
    });
    const scheduler = new LocalScheduler(root, topology.schedules, (name, error) =>
      log(`[schedule ${name}] ${error instanceof Error ? error.message : String(error)}`),
    );
    const workflows = new LocalWorkflowEngine({
      root,
      db,
      machines: topology.stateMachines,
      definitions: await loadWorkflowDefinitions(topology, root),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      onError: (execution, error) =>
        log(`[workflow ${execution}] ${error instanceof Error ? error.message : String(error)}`),
      ...(options.accessLog
        ? {
            onFinished: (e: { id: string; status: string; ms: number }) =>
              options.accessLog?.(`${clock()} workflow ${e.id} ${e.status} ${duration(e.ms)}`),
          }
        : {}),
    });
    cleanups.push(() => queues.stop());
    cleanups.push(() => scheduler.stop());
    cleanups.push(() => workflows.stop());

    const http = await startLocalHttpServer({
      root,
      routes: topology.routes,
      consoleDir: resolve(root, 'console/dist'),
      port: options.port,
      maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
      ...(options.accessLog ? { onRequest: requestLine(options.accessLog) } : {}),
    });
    cleanups.push(() => http.close());
    process.env.ASSAY_PUBLIC_URL ??= http.url;
    resetConfig();
    for (const url of [http.url, process.env.ASSAY_PUBLIC_URL]) {
      const origin = new URL(url).origin;
      if (!consoleOrigins.includes(origin)) consoleOrigins.push(origin);
    }

    lock.publish({
      url: http.url,
      databaseUrl,
      databaseSessionRole: getConfig().ASSAY_DB_SESSION_ROLE,
      s3Endpoint: objectStore.endpoint,
      ...(githubDouble ? { githubDoubleUrl: githubDouble.url } : {}),
    });

    if (options.autoStart ?? true) {
      queues.start();
      scheduler.start();
      workflows.start();
    }

    return {
      url: http.url,
      s3Endpoint: objectStore.endpoint,
      databaseUrl,
      embeddedDatabase: options.databaseUrl === undefined,
      db,
      queues,
      scheduler,
      workflows,
      ...(githubDouble ? { githubDouble } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
