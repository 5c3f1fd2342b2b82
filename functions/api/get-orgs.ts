import { orgsOf } from '../../shared/auth/me.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getOrgs } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getOrgs, async (_input, { principal }) => ({
  orgs: await orgsOf(await getDb(), principal!),
}));
