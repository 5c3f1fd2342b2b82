import { listAgentRuns } from '../../shared/agents/agent-runs.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRuns } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAgentRuns, async ({ query }, { access }) =>
  listAgentRuns(await getDb(), access!.orgId, query),
);
