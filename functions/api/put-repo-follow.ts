import { getDb } from '../../shared/db/connection.ts';
import { followRepository } from '../../shared/notifications/follows.ts';
import { recipientOf } from '../../shared/notifications/recipient.ts';
import { putRepoFollow } from '../contracts/notifications.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(putRepoFollow, async ({ params }, { access, principal, actor }) =>
  followRepository(await getDb(), access!, actor, recipientOf(principal), params),
);
