import { getDb } from '../../shared/db/connection.ts';
import { createInvitation } from '../../shared/identity/invitations.service.ts';
import { postInvitation } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postInvitation, async ({ body }, { access, principal, actor }) =>
  createInvitation(await getDb(), access!, principal, actor, body),
);
