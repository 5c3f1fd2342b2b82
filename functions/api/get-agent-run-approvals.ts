import { listApprovals } from '../../shared/agents/agent-run-approvals.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRunApprovals } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAgentRunApprovals, async ({ params }, { access }) =>
  listApprovals(await getDb(), access!.orgId, params.id),
);
