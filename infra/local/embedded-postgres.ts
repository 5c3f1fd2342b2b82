import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { LOCAL_OWNER_ROLE, prepareDatabaseOwner } from './database-owner.ts';

export interface EmbeddedPostgres {
  /** `postgres://` URL the `pg` driver connects to. */
  url: string;
  /**
   * Role clients must switch to (`ASSAY_DB_SESSION_ROLE`) to run like the app
   * on Aurora: the tables' owner, not a superuser, no BYPASSRLS.
   */
  sessionRole: string;
  stop(): Promise<void>;
}

/**
 * Opens (or creates) the PGlite database in `dataDir/pgdata`, with pgvector
 * and the owner role the app runs as (see `database-owner.ts`), and serves it
 * over the Postgres wire protocol on a loopback port so the `pg` driver
 * connects exactly as on AWS.
 */
export async function startEmbeddedPostgres(dataDir: string, port = 0): Promise<EmbeddedPostgres> {
  const pgdata = join(dataDir, 'pgdata');
  mkdirSync(pgdata, { recursive: true });
  const db = await PGlite.create(pgdata, { extensions: { vector } });
  try {
    await prepareDatabaseOwner(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    sessionRole: LOCAL_OWNER_ROLE,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
