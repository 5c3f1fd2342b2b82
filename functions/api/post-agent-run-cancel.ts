import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { cancelAgentRun } from '../../shared/agents/agent-runs.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postAgentRunCancel } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();
const workflow = createWorkflowStarter(config);

export const handler = httpHandler(postAgentRunCancel, async ({ params }, { access, actor }) =>
  cancelAgentRun({ db: await getDb(), workflow, config }, access!.orgId, actor, params.id),
);
