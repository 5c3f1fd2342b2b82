import { z } from 'zod';
import { verifyStep } from '../../shared/agents/agent-run-steps.service.ts';
import { runRefSchema } from '../../shared/agents/agent-runs.types.ts';
import { agentStepDeps } from '../kit/agent-step-deps.ts';
import { stepHandler } from '../kit/step-handler.ts';

export const handler = stepHandler(runRefSchema, z.object({ tests: z.number().int() }), async (ref) =>
  verifyStep(await agentStepDeps(), ref),
);
