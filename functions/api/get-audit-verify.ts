import { verifyAuditChain } from '../../shared/audit/audit.ts';
import { getDb } from '../../shared/db/connection.ts';
import { withTenant } from '../../shared/db/tenant.ts';
import { getAuditVerify } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAuditVerify, async (_input, { access }) =>
  withTenant(await getDb(), access!.orgId, (trx) => verifyAuditChain(trx, access!.orgId)),
);
