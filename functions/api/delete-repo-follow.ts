import { getDb } from '../../shared/db/connection.ts';
import { unfollowRepository } from '../../shared/notifications/follows.ts';
import { recipientOf } from '../../shared/notifications/recipient.ts';
import { deleteRepoFollow } from '../contracts/notifications.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(deleteRepoFollow, async ({ params }, { access, principal, actor }) =>
  unfollowRepository(await getDb(), access!, actor, recipientOf(principal), params),
);
