import { listArtifacts } from '../../shared/agents/agent-run-artifacts.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRunArtifacts } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAgentRunArtifacts, async ({ params, query }, { access }) =>
  listArtifacts(await getDb(), access!.orgId, params.id, query.kind ? [query.kind] : undefined),
);
