import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { requestAgentRun } from '../../shared/agents/agent-runs.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postAgentRun } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();
const workflow = createWorkflowStarter(config);

export const handler = httpHandler(postAgentRun, async ({ body }, { access, actor }) =>
  requestAgentRun({ db: await getDb(), workflow, config }, access!.orgId, actor, body),
);
