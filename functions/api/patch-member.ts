import { getDb } from '../../shared/db/connection.ts';
import { changeMemberRole } from '../../shared/identity/members.service.ts';
import { patchMember } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(patchMember, async ({ params, body }, { access, actor }) =>
  changeMemberRole(await getDb(), access!, actor, params.login, body.role),
);
