import { z } from 'zod';
import { failStep } from '../../shared/agents/agent-run-steps.service.ts';
import { failureStepSchema } from '../../shared/agents/agent-runs.types.ts';
import { agentStepDeps } from '../kit/agent-step-deps.ts';
import { stepHandler } from '../kit/step-handler.ts';

export const handler = stepHandler(
  failureStepSchema,
  z.object({ status: z.string() }),
  async ({ error, ...ref }) => failStep(await agentStepDeps(), ref, error),
);
