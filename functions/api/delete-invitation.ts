import { getDb } from '../../shared/db/connection.ts';
import { revokeInvitation } from '../../shared/identity/invitations.service.ts';
import { deleteInvitation } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(deleteInvitation, async ({ params }, { access, actor }) => {
  await revokeInvitation(await getDb(), access!, actor, params.id);
  return new HttpResponse(204, undefined);
});
