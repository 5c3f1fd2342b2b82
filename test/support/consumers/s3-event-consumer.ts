import { sql } from 'kysely';
import { z } from 'zod';
import { queueHandler } from '../../../functions/kit/queue-handler.ts';
import { getDb } from '../../../shared/db/connection.ts';

const s3EventSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({ object: z.object({ key: z.string(), size: z.number() }) }),
    }),
  ),
});

/** A test consumer that records the key of every object-created record it receives. */
export const handler = queueHandler(s3EventSchema, async (event, ctx) => {
  const db = await getDb();
  for (const record of event.Records) {
    await sql`insert into test_attempts (key, receive_count) values (${record.s3.object.key}, ${ctx.receiveCount})`.execute(
      db,
    );
  }
});
