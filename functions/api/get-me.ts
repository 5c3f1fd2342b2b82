import { orgsOf, userOf } from '../../shared/auth/me.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getMe } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getMe, async (_input, { principal }) => {
  const db = await getDb();
  const caller = principal!;
  const orgs = await orgsOf(db, caller);
  const token =
    caller.kind === 'api_token' ? { id: caller.tokenId, org: orgs[0]?.login ?? '', role: caller.role } : null;
  return { user: await userOf(db, caller), token, orgs };
});
