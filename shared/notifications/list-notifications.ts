import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { olderThan, page, parseIdCursor } from '../identity/pagination.ts';
import { type Notification, notificationColumns, toNotification } from './notification.ts';

/** One page of a user's notifications, and how many of all of them are unread. */
export interface NotificationPage {
  notifications: Notification[];
  nextCursor: string | null;
  unread: number;
}

/**
 * The notifications of `userId` in organisation `orgId`, newest first, with a
 * cursor (the id of the last one shown); `unread` keeps only those not read.
 * `unread` in the result counts every unread one, whatever the page.
 */
export async function listNotifications(
  db: Kysely<Database>,
  orgId: string,
  userId: string,
  query: { unread: boolean; cursor?: string; limit: number },
): Promise<NotificationPage> {
  const before = parseIdCursor(query.cursor);
  const { rows, unread } = await withTenant(db, orgId, async (trx) => {
    let q = trx
      .selectFrom('notifications')
      .select(notificationColumns)
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.unread) q = q.where('read_at', 'is', null);
    if (before) q = q.where(olderThan('notifications', before));
    const counted = await trx
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { rows: await q.execute(), unread: Number(counted.n) };
  });
  const result = page(rows, query.limit, (row) => row.id);
  return { notifications: result.rows.map(toNotification), nextCursor: result.nextCursor, unread };
}
