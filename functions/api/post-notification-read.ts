import { getDb } from '../../shared/db/connection.ts';
import { markNotificationRead } from '../../shared/notifications/mark-read.ts';
import { recipientOf } from '../../shared/notifications/recipient.ts';
import { postNotificationRead } from '../contracts/notifications.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postNotificationRead, async ({ params }, { access, principal }) =>
  markNotificationRead(await getDb(), access!.orgId, recipientOf(principal), params.id),
);
