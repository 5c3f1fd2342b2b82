import { z } from 'zod';
import { qaStep } from '../../shared/agents/agent-run-steps.service.ts';
import { requirementStepSchema } from '../../shared/agents/agent-runs.types.ts';
import { agentStepDeps } from '../kit/agent-step-deps.ts';
import { stepHandler } from '../kit/step-handler.ts';

export const handler = stepHandler(
  requirementStepSchema,
  z.object({ requirementId: z.string() }),
  async ({ requirementId, ...ref }) => qaStep(await agentStepDeps(), ref, requirementId),
);
