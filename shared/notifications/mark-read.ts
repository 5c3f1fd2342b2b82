import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { NotFoundError } from '../errors.ts';
import { type Notification, notificationColumns, toNotification } from './notification.ts';

/**
 * Marks one of `userId`'s notifications read and returns it. Reading it again
 * keeps the first `readAt`. Unknown ids and other users' notifications are
 * both 404, so one user cannot probe another's.
 */
export async function markNotificationRead(
  db: Kysely<Database>,
  orgId: string,
  userId: string,
  id: string,
): Promise<Notification> {
  const row = await withTenant(db, orgId, (trx) =>
    trx
      .updateTable('notifications')
      .set({ read_at: sql<Date>`coalesce(read_at, now())` })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .returning(notificationColumns)
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError(`Notification ${id} not found`);
  return toNotification(row);
}

/** Marks every unread notification of `userId` in `orgId` read; returns how many were. */
export async function markAllNotificationsRead(
  db: Kysely<Database>,
  orgId: string,
  userId: string,
): Promise<{ marked: number }> {
  const result = await withTenant(db, orgId, (trx) =>
    trx
      .updateTable('notifications')
      .set({ read_at: sql<Date>`now()` })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst(),
  );
  return { marked: Number(result.numUpdatedRows) };
}
