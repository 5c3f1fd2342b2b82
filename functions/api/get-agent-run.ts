import { getAgentRun as readRun } from '../../shared/agents/agent-runs.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRun } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAgentRun, async ({ params }, { access }) =>
  readRun(await getDb(), access!.orgId, params.id),
);
