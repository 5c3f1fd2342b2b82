import type { NotificationsTable } from '../db/database.ts';
import { iso, isoOrNull } from '../identity/rows.ts';

/** Kinds of notification Assay emits. */
export type NotificationKind = 'validation_failed' | 'validation_passed';

/** A notification as the API shows it. */
export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  subject: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}

/** Columns read to build a {@link Notification}. */
export const notificationColumns = [
  'id',
  'kind',
  'title',
  'body',
  'link',
  'subject',
  'read_at',
  'created_at',
] as const satisfies readonly (keyof NotificationsTable)[];

interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  subject: Record<string, unknown>;
  read_at: Date | null;
  created_at: Date;
}

/** Maps a stored row to its API shape. */
export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    subject: row.subject,
    readAt: isoOrNull(row.read_at),
    createdAt: iso(row.created_at),
  };
}
