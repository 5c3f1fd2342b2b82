import { getDb } from '../../shared/db/connection.ts';
import { markAllNotificationsRead } from '../../shared/notifications/mark-read.ts';
import { recipientOf } from '../../shared/notifications/recipient.ts';
import { postNotificationsReadAll } from '../contracts/notifications.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postNotificationsReadAll, async (_input, { access, principal }) =>
  markAllNotificationsRead(await getDb(), access!.orgId, recipientOf(principal)),
);
