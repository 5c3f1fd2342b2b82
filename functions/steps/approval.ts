import { z } from 'zod';
import { approvalStep } from '../../shared/agents/agent-run-steps.service.ts';
import { approvalStepSchema } from '../../shared/agents/agent-runs.types.ts';
import { agentStepDeps } from '../kit/agent-step-deps.ts';
import { stepHandler } from '../kit/step-handler.ts';

/**
 * Invoked by the `.waitForTaskToken` approval states: records the pending
 * approval with the token and returns at once; the execution waits until the
 * decision is sent with that token (or the state's TimeoutSeconds passes).
 */
export const handler = stepHandler(approvalStepSchema, z.object({}), async ({ stage, taskToken, ...ref }) => {
  await approvalStep(await agentStepDeps(), ref, stage, taskToken);
  return {};
});
