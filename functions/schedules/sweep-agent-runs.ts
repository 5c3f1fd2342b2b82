import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { reconcileAgentRuns } from '../../shared/agents/agent-run-reconcile.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';

const config = getConfig();
const workflows = createWorkflowStarter(config);

/** EventBridge schedule: ends agent runs whose execution ended without recording an outcome. */
export const handler = async (): Promise<{ checked: number; ended: number }> => {
  const outcome = await reconcileAgentRuns(
    { db: await getDb(), workflows },
    { olderThanSeconds: config.ASSAY_AGENT_RUN_SWEEP_AFTER_SECONDS, limit: 200 },
  );
  if (outcome.ended.length > 0)
    getLogger().warn('Ended agent runs whose execution had ended', {
      checked: outcome.checked,
      ended: outcome.ended,
    });
  return { checked: outcome.checked, ended: outcome.ended.length };
};
