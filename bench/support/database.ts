import type { Kysely } from 'kysely';
import { startEmbeddedPostgres } from '../../infra/local/embedded-postgres.ts';
import { createPoolDb } from '../../shared/db/connection.ts';
import type { Database } from '../../shared/db/database.ts';
import { migrateToLatest } from '../../shared/db/migrate.ts';
import { withSystem } from '../../shared/db/tenant.ts';

/** The embedded PGlite in `dir`, migrated, behind one pool connection. */
export async function openDatabase(dir: string) {
  const postgres = await startEmbeddedPostgres(dir);
  const db = createPoolDb<Database>(
    { connectionString: postgres.url, max: 1 },
    { sessionRole: postgres.sessionRole },
  );
  await migrateToLatest(db);
  return {
    db,
    async close() {
      await db.destroy();
      await postgres.stop();
    },
  };
}

/** The id of organisation `login`, created when missing. */
export async function ensureOrg(db: Kysely<Database>, login: string): Promise<string> {
  return withSystem(db, async (trx) => {
    const found = await trx.selectFrom('orgs').select('id').where('login', '=', login).executeTakeFirst();
    if (found) return found.id;
    const row = await trx
      .insertInto('orgs')
      .values({ login, github_account_id: Math.floor(Math.random() * 1e9), account_type: 'Organization' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}
