import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { readSecretJson } from '../adapters/secrets.ts';
import type { Config } from '../config.ts';
import { getConfig } from '../config.ts';
import type { Database } from './database.ts';
import { StorableTextPlugin } from './storable-text-plugin.ts';

// BIGINT (int8) as string keeps GitHub ids exact; COUNT(*) results too.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

const dbSecretSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  port: z.coerce.number().int().optional(),
});

async function poolConfig(config: Config): Promise<pg.PoolConfig> {
  if (config.ASSAY_RUNTIME === 'aws') {
    const secret = dbSecretSchema.parse(await readSecretJson(config.ASSAY_DB_SECRET_ARN!));
    return {
      host: config.ASSAY_DB_HOST,
      port: secret.port ?? 5432,
      database: config.ASSAY_DB_NAME,
      user: secret.username,
      password: secret.password,
      ssl: { rejectUnauthorized: true },
      max: config.ASSAY_DB_POOL_MAX,
    };
  }
  if (!config.DATABASE_URL) {
    throw new Error(
      'DATABASE_URL is not set: run through `npm start` (embedded Postgres) or point it at a Postgres',
    );
  }
  return { connectionString: config.DATABASE_URL, max: config.ASSAY_DB_POOL_MAX };
}

export interface PoolDbOptions {
  /**
   * Role every new connection switches to with a session-level `SET ROLE`
   * before its first query (`ASSAY_DB_SESSION_ROLE`): a superuser connection
   * then runs as a role that row-level security binds.
   */
  sessionRole?: string | undefined;
}

/** Quotes a role name as a Postgres identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A Kysely instance over a new `pg` pool. With `sessionRole`, the pool runs
 * `SET ROLE` on each connection it opens before handing it out; if that
 * fails, the connection is closed and the query that asked for it fails —
 * nothing runs as the connecting user instead.
 */
export function createPoolDb<DB>(config: pg.PoolConfig, options: PoolDbOptions = {}): Kysely<DB> {
  const { sessionRole } = options;
  const setRole = sessionRole ? `set role ${quoteIdentifier(sessionRole)}` : undefined;
  const pool = new pg.Pool({
    ...config,
    ...(setRole && {
      onConnect: async (client: pg.ClientBase) => {
        await client.query(setRole);
      },
    }),
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => undefined);
  // Every parameter of every query passes the storable-text rule (see storable-text-plugin.ts).
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new StorableTextPlugin()] });
}

/**
 * Builds a Kysely instance over a `pg` pool: the RDS Proxy on AWS (credentials
 * from Secrets Manager, TLS), `DATABASE_URL` elsewhere (switching to
 * `ASSAY_DB_SESSION_ROLE` when set).
 */
export async function createDb(config: Config): Promise<Kysely<Database>> {
  return createPoolDb<Database>(await poolConfig(config), { sessionRole: config.ASSAY_DB_SESSION_ROLE });
}

let shared: Promise<Kysely<Database>> | undefined;

/** The process-wide database, created on first use (module scope of a handler). */
export function getDb(): Promise<Kysely<Database>> {
  shared ??= createDb(getConfig()).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Closes the process-wide database (local runtime shutdown, tests). */
export async function closeDb(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).destroy();
}
