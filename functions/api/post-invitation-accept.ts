import { getDb } from '../../shared/db/connection.ts';
import { acceptInvitation } from '../../shared/identity/invitations.service.ts';
import { postInvitationAccept } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postInvitationAccept, async ({ body }, { principal, actor }) =>
  acceptInvitation(await getDb(), principal!, actor, body.token),
);
