import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import type { StepDeps } from '../../shared/agents/agent-run-steps.service.ts';
import { createAgentToolkit } from '../../shared/agents/agent-toolkit.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';

let toolkit: StepDeps['agents'] | undefined;

/** What every agent-run step needs, built once per cold start. */
export async function agentStepDeps(): Promise<StepDeps> {
  const config = getConfig();
  toolkit ??= createAgentToolkit(config);
  return { db: await getDb(), config, workflow: createWorkflowStarter(config), agents: toolkit };
}
