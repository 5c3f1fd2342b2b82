import { getArtifact } from '../../shared/agents/agent-run-artifacts.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRunArtifact } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getAgentRunArtifact, async ({ params, query }, { access }) =>
  getArtifact(await getDb(), access!.orgId, params.id, params.artifactId, query.version),
);
