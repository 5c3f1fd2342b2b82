import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** `postgres://` URL the `pg` driver connects to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Opens (or creates) the PGlite database in `dataDir/pgdata`, with pgvector,
 * and serves it over the Postgres wire protocol on a loopback port so the
 * `pg` driver connects exactly as on AWS.
 */
export async function startEmbeddedPostgres(dataDir: string, port = 0): Promise<EmbeddedPostgres> {
  const pgdata = join(dataDir, 'pgdata');
  mkdirSync(pgdata, { recursive: true });
  const db = await PGlite.create(pgdata, { extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
