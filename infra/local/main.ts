import { performance } from 'node:perf_hooks';
import { type Config, getConfig } from '../../shared/config.ts';
import { topology } from '../topology.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';
import { describeStartupError } from './startup-errors.ts';

const started = performance.now();
const terminal = process.stdout.isTTY === true;
// In a terminal, one short line per request and per queue message; the JSON logs
// (the format on Lambda and when piped) only from warnings up, unless asked for.
if (terminal && !process.env.ASSAY_LOG_LEVEL) process.env.ASSAY_LOG_LEVEL = 'WARN';
const debug = process.env.ASSAY_LOG_LEVEL?.toUpperCase() === 'DEBUG';

let config: Config | undefined;
let runtime: LocalRuntime;
try {
  config = getConfig();
  runtime = await startLocalRuntime({
    dataDir: config.ASSAY_DATA_DIR,
    port: config.PORT,
    s3Port: config.ASSAY_S3_PORT,
    databaseUrl: config.DATABASE_URL,
    // No GitHub App configured: GitHub is the local double, driven with `npx assay dev …`.
    githubDouble: !config.ASSAY_GITHUB_APP_ID,
    log: (message) => console.error(message),
    ...(terminal ? { accessLog: (line: string) => console.log(line) } : {}),
  });
} catch (error) {
  const ports: Record<string, number> = config
    ? { PORT: config.PORT, ASSAY_S3_PORT: config.ASSAY_S3_PORT }
    : {};
  console.error(describeStartupError(error, ports));
  if (debug && error instanceof Error) console.error(error.stack);
  process.exit(1);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const lines = [
  'Assay is running on the local runtime',
  `  Console         ${runtime.url}/ (open it and choose Sign in with GitHub${runtime.githubDouble ? '; the local double signs you in as any login' : ''})`,
  `  API             ${runtime.url}`,
  `  API docs        ${runtime.url}/docs`,
  `  OpenAPI         ${runtime.url}/openapi.json`,
  ...('POST /webhooks/github' in topology.routes ? [`  GitHub webhook  ${runtime.url}/webhooks/github`] : []),
  `  Health          ${runtime.url}/health/ready`,
  runtime.githubDouble
    ? `  GitHub          local double at ${runtime.githubDouble.url} (no ASSAY_GITHUB_APP_ID): npx assay dev install --org <login> --repo <name>`
    : `  GitHub          App ${config.ASSAY_GITHUB_APP_ID} at ${config.ASSAY_GITHUB_API_URL}`,
  `  Webhook secret  ${config.ASSAY_GITHUB_WEBHOOK_SECRET ? 'ASSAY_GITHUB_WEBHOOK_SECRET' : `generated, in ${config.ASSAY_DATA_DIR}/dev-secrets.json`}`,
  `  Local S3        ${runtime.s3Endpoint} (bucket ${getConfig().ASSAY_S3_BUCKET})`,
  `  Database        ${runtime.embeddedDatabase ? `embedded PGlite in ${config.ASSAY_DATA_DIR}/pgdata` : 'DATABASE_URL'}`,
  `Ready in ${seconds} s. Press Ctrl-C to stop.`,
];
console.log(lines.join('\n'));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal} received: finishing work in flight and closing the database…`);
  const force = setTimeout(() => {
    console.error('Shutdown took longer than 20 s; exiting.');
    process.exit(1);
  }, 20_000);
  force.unref();
  await runtime.stop();
  console.log('Stopped cleanly.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
