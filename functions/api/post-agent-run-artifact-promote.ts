import { promoteArtifactTest } from '../../shared/agents/agent-run-artifacts.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postAgentRunArtifactPromote } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postAgentRunArtifactPromote, async ({ params, body }, { access, actor }) =>
  promoteArtifactTest(await getDb(), access!.orgId, actor, params.id, params.artifactId, body),
);
