import { z } from 'zod';

/**
 * Everything an operator may tune per deployment, read from CDK context
 * (`cdk.json` `context`, or `-c assay:<key>=<value>` on the command line).
 * Synthesis never looks anything up in the account: account, region and
 * availability zones come from here too.
 */
export interface DeploymentSettings {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** At least two: Aurora and RDS Proxy need subnets in two zones. */
  readonly availabilityZones: readonly string[];
  /** NAT gateways for Lambda egress to GitHub and the LLM endpoint (0 = no internet from the VPC). */
  readonly natGateways: number;
  /** Interface endpoints for SQS, Secrets Manager and Step Functions (the S3 gateway endpoint is always on). */
  readonly interfaceEndpoints: boolean;
  readonly database: {
    /** Aurora Serverless v2 ACUs; 0 lets the writer pause when idle. */
    readonly minCapacity: number;
    readonly maxCapacity: number;
    /** Idle minutes before a 0-ACU writer pauses (5–1440). */
    readonly autoPauseMinutes: number;
  };
  /** HTTP API stage throttling (requests per second, burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Days after which raw CI reports (tagged by the report consumer) expire from the bucket. */
  readonly rawReportExpiryDays: number;
  /** Days after which crawl screenshots (tagged when stored) expire from the bucket. */
  readonly crawlScreenshotExpiryDays: number;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** E-mail subscribed to the alarm topic (dead-letter queues, failed workflows). */
  readonly alarmEmail: string | undefined;
  /** Extra non-secret `ASSAY_*` variables for every function (e.g. `ASSAY_GITHUB_APP_ID`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Any new value re-runs the migration step although no migration changed (e.g. after a restore). */
  readonly migrationRun: string;
}

/** Context keys, all prefixed `assay:`. */
export const CONTEXT_PREFIX = 'assay:';

/** Variables that must come from Secrets Manager, never from plain environment. */
const SECRET_VARIABLES = new Set([
  'ASSAY_GITHUB_PRIVATE_KEY',
  'ASSAY_GITHUB_WEBHOOK_SECRET',
  'ASSAY_OPENAI_API_KEY',
  'ASSAY_SESSION_KEY',
  'DATABASE_URL',
]);

/** Context values from `-c` arrive as strings; from cdk.json as JSON values. */
const jsonOrString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
};

const stringList = z.preprocess(
  (value) => {
    const parsed = jsonOrString(value);
    return typeof parsed === 'string'
      ? parsed
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : parsed;
  },
  z.array(z.string().min(1)),
);

const bool = z.preprocess((value) => (typeof value === 'string' ? value === 'true' : value), z.boolean());

const capacity = z.coerce
  .number()
  .min(0)
  .max(256)
  .refine((n) => Number.isInteger(n * 2), 'must be a multiple of 0.5');

const schema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
      .default('Assay'),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
    availabilityZones: stringList,
    natGateways: z.coerce.number().int().min(0).max(3).default(1),
    interfaceEndpoints: bool.default(true),
    dbMinCapacity: capacity.default(0),
    dbMaxCapacity: capacity.default(4),
    dbAutoPauseMinutes: z.coerce.number().int().min(5).max(1440).default(10),
    apiRateLimit: z.coerce.number().int().min(1).default(50),
    apiBurstLimit: z.coerce.number().int().min(1).default(100),
    rawReportExpiryDays: z.coerce.number().int().min(1).max(3650).default(30),
    crawlScreenshotExpiryDays: z.coerce.number().int().min(1).max(3650).default(90),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    alarmEmail: z.email().optional(),
    environment: z.preprocess(jsonOrString, z.record(z.string(), z.string())).default({}),
    // A new value per synthesis makes the migration step run on every deploy (the migrator is idempotent).
    migrationRun: z.coerce.string().default(() => new Date().toISOString()),
  })
  .superRefine((s, ctx) => {
    if (s.availabilityZones.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['availabilityZones'], message: 'needs at least two zones' });
    }
    for (const az of s.availabilityZones) {
      if (!az.startsWith(s.region)) {
        ctx.addIssue({ code: 'custom', path: ['availabilityZones'], message: `${az} is not in ${s.region}` });
      }
    }
    if (s.dbMaxCapacity < Math.max(1, s.dbMinCapacity)) {
      ctx.addIssue({ code: 'custom', path: ['dbMaxCapacity'], message: 'must be ≥ 1 and ≥ dbMinCapacity' });
    }
    for (const key of Object.keys(s.environment)) {
      if (!/^ASSAY_[A-Z0-9_]+$/.test(key)) {
        ctx.addIssue({ code: 'custom', path: ['environment', key], message: 'only ASSAY_* variables' });
      } else if (SECRET_VARIABLES.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environment', key],
          message: 'is a secret: set it in Secrets Manager instead',
        });
      }
    }
  });

/** The keys {@link readSettings} understands, without the `assay:` prefix. */
export const SETTING_KEYS = Object.keys(schema.shape) as readonly (keyof typeof schema.shape)[];

/** Thrown when the deployment context is invalid; lists every problem at once. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/**
 * Reads and validates the deployment settings.
 * @param lookup returns the raw context value of a key (for example `app.node.tryGetContext`).
 */
export function readSettings(lookup: (key: string) => unknown): DeploymentSettings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = lookup(`${CONTEXT_PREFIX}${key}`);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${CONTEXT_PREFIX}${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`Invalid deployment context: ${problems.join('; ')}`);
  }
  const s = parsed.data;
  return {
    stackName: s.stackName,
    account: s.account,
    region: s.region,
    availabilityZones: s.availabilityZones,
    natGateways: s.natGateways,
    interfaceEndpoints: s.interfaceEndpoints,
    database: {
      minCapacity: s.dbMinCapacity,
      maxCapacity: s.dbMaxCapacity,
      autoPauseMinutes: s.dbAutoPauseMinutes,
    },
    throttle: { rateLimit: s.apiRateLimit, burstLimit: s.apiBurstLimit },
    rawReportExpiryDays: s.rawReportExpiryDays,
    crawlScreenshotExpiryDays: s.crawlScreenshotExpiryDays,
    logLevel: s.logLevel,
    alarmEmail: s.alarmEmail,
    environment: s.environment,
    migrationRun: s.migrationRun,
  };
}
