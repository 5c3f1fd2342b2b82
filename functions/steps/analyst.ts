import { analystStep } from '../../shared/agents/agent-run-steps.service.ts';
import { planSchema, runRefSchema } from '../../shared/agents/agent-runs.types.ts';
import { agentStepDeps } from '../kit/agent-step-deps.ts';
import { stepHandler } from '../kit/step-handler.ts';

export const handler = stepHandler(runRefSchema, planSchema, async (ref) =>
  analystStep(await agentStepDeps(), ref),
);
