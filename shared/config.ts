import { z } from 'zod';

/** Turns a queue name from the topology into its environment variable, e.g. `report-intake` → `ASSAY_QUEUE_URL_REPORT_INTAKE`. */
export function queueUrlVariable(queueName: string): string {
  return `ASSAY_QUEUE_URL_${queueName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const port = z.coerce.number().int().min(0).max(65535);

const baseSchema = z.object({
  ASSAY_RUNTIME: z.enum(['local', 'aws']).default('local'),
  ASSAY_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
  PORT: port.default(3000),
  DATABASE_URL: optionalString,
  ASSAY_DATA_DIR: z.string().min(1).default('.assay'),
  ASSAY_DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(4),
  /**
   * Local and tests: role each new database connection switches to (`SET ROLE`), so a superuser
   * connection runs like Aurora's master user (owner, no BYPASSRLS). Set by the local runtime for
   * the embedded database.
   */
  ASSAY_DB_SESSION_ROLE: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case Postgres role name (a-z, 0-9, _)')
      .optional(),
  ),
  /** AWS: the RDS Proxy endpoint and the Secrets Manager secret holding the database credentials. */
  ASSAY_DB_HOST: optionalString,
  ASSAY_DB_NAME: z.string().min(1).default('assay'),
  ASSAY_DB_SECRET_ARN: optionalString,
  ASSAY_S3_BUCKET: z.string().min(1).default('assay-local'),
  ASSAY_S3_ENDPOINT: optionalString,
  ASSAY_S3_PORT: port.default(4569),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  ASSAY_PUBLIC_URL: optionalString,
  ASSAY_GITHUB_API_URL: z.url().default('https://api.github.com'),
  ASSAY_GITHUB_WEB_URL: z.url().default('https://github.com'),
  ASSAY_GITHUB_APP_ID: optionalString,
  ASSAY_GITHUB_PRIVATE_KEY: optionalString,
  ASSAY_GITHUB_WEBHOOK_SECRET: optionalString,
  /** OAuth credentials of the GitHub App (sign-in with GitHub). */
  ASSAY_GITHUB_CLIENT_ID: optionalString,
  ASSAY_GITHUB_CLIENT_SECRET: optionalString,
  ASSAY_GITHUB_OIDC_ISSUER: z.url().default('https://token.actions.githubusercontent.com'),
  ASSAY_GITHUB_OIDC_JWKS_URL: z.url().default('https://token.actions.githubusercontent.com/.well-known/jwks'),
  ASSAY_OPENAI_BASE_URL: optionalString,
  ASSAY_OPENAI_API_KEY: optionalString,
  ASSAY_OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  ASSAY_SESSION_KEY: optionalString,
  /** Browser origins allowed to make state-changing calls with the session cookie (comma-separated). */
  ASSAY_ALLOWED_ORIGINS: optionalString,
  /** Where the dashboard lives: sign-in ends there. */
  ASSAY_DASHBOARD_URL: optionalString,
  /** Requests per minute per principal (API), per client address (webhooks, CI uploads, sign-in). */
  ASSAY_RATE_LIMIT_API: z.coerce.number().int().min(1).default(600),
  ASSAY_RATE_LIMIT_WEBHOOK: z.coerce.number().int().min(1).default(20_000),
  ASSAY_RATE_LIMIT_CI: z.coerce.number().int().min(1).default(300),
  ASSAY_RATE_LIMIT_AUTH: z.coerce.number().int().min(1).default(60),
  /** Failed authentications (401s) per minute per client address; past it every request from there is a 429. */
  ASSAY_RATE_LIMIT_AUTH_FAILURES: z.coerce.number().int().min(1).default(60),
  /** Reports larger than this are rejected from their size, before download. */
  ASSAY_REPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024 * 1024),
  /** Webhook payloads above this many bytes are kept in the object store instead of Postgres. */
  ASSAY_WEBHOOK_INLINE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  /** Deliveries still `received` this many seconds after arrival are re-enqueued by the sweeper. */
  ASSAY_WEBHOOK_SWEEP_AFTER_SECONDS: z.coerce.number().int().min(0).default(300),
  /**
   * How often the sweeper runs, in minutes (the topology's `everyMinutesSetting` of
   * `sweep-webhook-deliveries`: the local scheduler and CDK's rule read it).
   */
  ASSAY_WEBHOOK_SWEEP_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /**
   * Agent runs untouched this many seconds are checked by `sweep-agent-runs`: one whose execution
   * ended without recording an outcome (or never started) is ended (`shared/agents/agent-run-reconcile.service.ts`).
   */
  ASSAY_AGENT_RUN_SWEEP_AFTER_SECONDS: z.coerce.number().int().min(0).default(900),
  /** How often `sweep-agent-runs` runs, in minutes (its `everyMinutesSetting`). */
  ASSAY_AGENT_RUN_SWEEP_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // --- Test analytics (shared/analytics) ---
  /** Days over which a test's flaky rate is taken and within which one flaky commit flags it flaky. */
  ASSAY_FLAKY_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /**
   * How often the daily metrics rollup runs, in minutes (the topology's `everyMinutesSetting` of
   * `rollup-test-analytics`); each run recomputes today and fills any day missed since the last.
   */
  ASSAY_ANALYTICS_ROLLUP_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Minutes between runs of the re-embedding of chunks made by another embedding model. */
  ASSAY_REEMBED_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // --- Crawls (shared/crawl) ---
  /**
   * `host[:port]` entries a crawl may reach even though they resolve to loopback, private or
   * link-local addresses (comma-separated). Unset: `localhost,127.0.0.1` locally, nothing on AWS.
   */
  ASSAY_CRAWL_ALLOWED_HOSTS: z.string().optional(),
  /** Bound on one page (navigation, rendering, reading), in milliseconds. */
  ASSAY_CRAWL_PAGE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
  /** Longest wait for the network to go idle after the DOM is ready (client-side rendering), in ms. */
  ASSAY_CRAWL_SETTLE_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /** Polite pause between two pages, in milliseconds (a longer robots.txt Crawl-delay wins, up to 10 s). */
  ASSAY_CRAWL_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(250),
  /** Bound on a whole crawl, in seconds (the crawler function's timeout is 900 s). */
  ASSAY_CRAWL_MAX_DURATION_SECONDS: z.coerce.number().int().min(10).max(3_600).default(780),
  /** Largest response a crawl fetches (decoded bytes); a larger page is recorded as failed. */
  ASSAY_CRAWL_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(5 * 1024 * 1024),
  // --- end crawls ---
  // ---- Requirement documents and retrieval (shared/documents) ----
  /** Documents larger than this are refused at upload and again from the stored object's size. */
  ASSAY_DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  /** CSV documents with more data rows than this fail as `too_large` (read streaming, never all at once). */
  ASSAY_DOCUMENT_MAX_CSV_ROWS: z.coerce.number().int().min(1).default(100_000),
  /** PDFs with more pages fail as `too_large` before any page is read. */
  ASSAY_DOCUMENT_MAX_PAGES: z.coerce.number().int().min(1).default(2_000),
  /** Documents holding more characters of text fail as `too_large` (checked while reading). */
  ASSAY_DOCUMENT_MAX_TEXT_CHARS: z.coerce.number().int().min(1_000).default(5_000_000),
  /** Resident memory (MB) the separate parser process may reach; past it, it is killed and the document is `too_large`. */
  ASSAY_DOCUMENT_PARSE_MEMORY_MB: z.coerce.number().int().min(128).default(1_024),
  /** Seconds the parser process may take for one document; past it, it is killed and the document is `too_large`. */
  ASSAY_DOCUMENT_PARSE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(840).default(300),
  /** Size of every embedding vector: the `document_chunks.embedding` column (set before the first migration). */
  ASSAY_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(2000).default(384),
  /** Embeddings endpoint, model and key; each falls back to its `ASSAY_OPENAI_*` (unset → offline embedder). */
  ASSAY_EMBEDDINGS_BASE_URL: optionalString,
  ASSAY_EMBEDDINGS_MODEL: z.string().min(1).default('text-embedding-3-small'),
  ASSAY_EMBEDDINGS_API_KEY: optionalString,
  // ---- Agent runs (shared/agents/agent-runs.*) ----
  /** LLM tokens an organisation may spend per calendar month (UTC) across its agent runs; unset: no limit. */
  ASSAY_ORG_MONTHLY_TOKEN_BUDGET: z.coerce.number().int().min(0).optional(),
  /** How long an approval waits for a person before the run ends `timed_out`, in hours (fractions allowed). */
  ASSAY_APPROVAL_TIMEOUT_HOURS: z.coerce.number().positive().max(8760).default(72),
  /** ARN of the agent-run state machine (AWS; set by the stack for the functions that start or stop runs). */
  ASSAY_AGENT_RUN_STATE_MACHINE_ARN: optionalString,
  /** Idle seconds before the events stream sends a heartbeat comment. */
  ASSAY_EVENTS_HEARTBEAT_SECONDS: z.coerce.number().positive().max(300).default(15),
  // ---- end agent runs ----
});

export type Config = Readonly<z.infer<typeof baseSchema>> & {
  /** Queue name → URL (AWS) or name (local); from `ASSAY_QUEUE_URL_*`. */
  readonly queueUrls: Readonly<Record<string, string>>;
};

/** Keys that have no usable default on AWS: the deployment must set them. */
const requiredOnAws = ['ASSAY_DB_HOST', 'ASSAY_DB_SECRET_ARN', 'ASSAY_S3_BUCKET'] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/**
 * Parses the environment into a frozen {@link Config}. Every missing or invalid
 * key is reported at once in a single {@link ConfigError}.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = baseSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (env.ASSAY_RUNTIME === 'aws') {
    for (const key of requiredOnAws) {
      const reported = problems.some((p) => p.startsWith(`${key}:`));
      if (!reported && (env[key] === undefined || env[key] === ''))
        problems.push(`${key}: required when ASSAY_RUNTIME=aws`);
    }
    // The master user already runs without BYPASSRLS there, and session state would pin RDS Proxy connections.
    if (env.ASSAY_DB_SESSION_ROLE?.trim())
      problems.push(
        'ASSAY_DB_SESSION_ROLE: not used when ASSAY_RUNTIME=aws (the connection runs as the master user)',
      );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const queueUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^ASSAY_QUEUE_URL_([A-Z0-9_]+)$/.exec(key);
    if (match?.[1] && value) queueUrls[match[1]] = value;
  }
  return Object.freeze({ ...parsed.data, queueUrls: Object.freeze(queueUrls) });
}

let cached: Config | undefined;

/** The process-wide configuration, parsed once on first use. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** Forgets the cached configuration (the local runtime sets variables before handlers load). */
export function resetConfig(): void {
  cached = undefined;
}
