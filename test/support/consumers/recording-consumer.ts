import { sql } from 'kysely';
import { z } from 'zod';
import { queueHandler } from '../../../functions/kit/queue-handler.ts';
import { getDb } from '../../../shared/db/connection.ts';

/**
 * A test consumer that records each delivery in `test_attempts` and fails
 * messages whose behaviour is `fail`.
 */
export const handler = queueHandler(
  z.object({ key: z.string(), behaviour: z.enum(['ok', 'fail']) }),
  async (message, ctx) => {
    const db = await getDb();
    await sql`insert into test_attempts (key, receive_count) values (${message.key}, ${ctx.receiveCount})`.execute(
      db,
    );
    if (message.behaviour === 'fail') throw new Error(`failing ${message.key}`);
  },
);
