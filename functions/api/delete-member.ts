import { getDb } from '../../shared/db/connection.ts';
import { removeMember } from '../../shared/identity/members.service.ts';
import { deleteMember } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(deleteMember, async ({ params }, { access, actor }) => {
  await removeMember(await getDb(), access!, actor, params.login);
  return new HttpResponse(204, undefined);
});
