import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { githubApprovalNotice, githubRunCommentSync } from '../../shared/agents/agent-run-github.ts';
import type { StepDeps } from '../../shared/agents/agent-run-steps.service.ts';
import { createAgentToolkit } from '../../shared/agents/agent-toolkit.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';

let toolkit: StepDeps['agents'] | undefined;

/** What every agent-run step needs, built once per cold start. */
export async function agentStepDeps(): Promise<StepDeps> {
  const config = getConfig();
  toolkit ??= createAgentToolkit(config);
  const db = await getDb();
  return {
    db,
    config,
    workflow: createWorkflowStarter(config),
    agents: toolkit,
    // The approval request is also a comment on the run's first issue, when a GitHub App is configured.
    ...(config.ASSAY_GITHUB_APP_ID
      ? {
          onApprovalRequested: githubApprovalNotice({
            db,
            github: getGitHubClient,
            publicUrl: config.ASSAY_PUBLIC_URL,
          }),
          onRunFinished: githubRunCommentSync({
            db,
            github: getGitHubClient,
            publicUrl: config.ASSAY_PUBLIC_URL,
          }),
        }
      : {}),
  };
}
