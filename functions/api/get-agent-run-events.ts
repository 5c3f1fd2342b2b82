import { listAgentRunEvents } from '../../shared/agents/agent-runs.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRunEvents } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAgentRunEvents, async ({ params, query }, { access }) =>
  listAgentRunEvents(await getDb(), access!.orgId, params.id, query),
);
