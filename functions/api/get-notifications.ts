import { getDb } from '../../shared/db/connection.ts';
import { listNotifications } from '../../shared/notifications/list-notifications.ts';
import { recipientOf } from '../../shared/notifications/recipient.ts';
import { getNotifications } from '../contracts/notifications.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getNotifications, async ({ query }, { access, principal }) =>
  listNotifications(await getDb(), access!.orgId, recipientOf(principal), query),
);
