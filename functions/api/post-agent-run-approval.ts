import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { decideApproval } from '../../shared/agents/agent-run-approvals.service.ts';
import { githubRunCommentSync } from '../../shared/agents/agent-run-github.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { postAgentRunApproval } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

const workflow = createWorkflowStarter(getConfig());

export const handler = httpHandler(postAgentRunApproval, async ({ params, body }, { access, actor }) => {
  const db = await getDb();
  const config = getConfig();
  // The marked approval comment on the issue is edited in place once the stage is decided.
  const onChanged = config.ASSAY_GITHUB_APP_ID
    ? githubRunCommentSync({ db, github: getGitHubClient, publicUrl: config.ASSAY_PUBLIC_URL })
    : undefined;
  return decideApproval(
    { db, workflow, ...(onChanged ? { onChanged } : {}) },
    access!.orgId,
    actor,
    params.id,
    params.approvalId,
    body,
  );
});
