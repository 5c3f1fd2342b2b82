import { putArtifact } from '../../shared/agents/agent-run-artifacts.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { putAgentRunArtifact } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(putAgentRunArtifact, async ({ params, body }, { access, actor }) =>
  putArtifact(await getDb(), access!.orgId, actor, params.id, params.artifactId, body.content),
);
