import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { decideApproval } from '../../shared/agents/agent-run-approvals.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postAgentRunApproval } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

const workflow = createWorkflowStarter(getConfig());

export const handler = httpHandler(postAgentRunApproval, async ({ params, body }, { access, actor }) =>
  decideApproval({ db: await getDb(), workflow }, access!.orgId, actor, params.id, params.approvalId, body),
);
