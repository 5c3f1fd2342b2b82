import type { LlmCallRecord, LlmProvider, StageContext } from '../../../../shared/agents/agents.types.ts';
import { BudgetExceededError } from '../../../../shared/agents/agents.types.ts';

/** A stage context that records every reservation and call, with an optional token budget. */
export function recordingContext(llm: LlmProvider, options: { budget?: number; instructions?: string } = {}) {
  const calls: LlmCallRecord[] = [];
  const reservations: number[] = [];
  let spent = 0;
  const ctx: StageContext = {
    llm,
    async reserveTokens(estimate) {
      reservations.push(estimate);
      if (options.budget !== undefined && spent + estimate > options.budget)
        throw new BudgetExceededError(`budget of ${options.budget} tokens exceeded`);
    },
    async recordCall(call) {
      calls.push(call);
      spent += call.usage.totalTokens;
    },
    ...(options.instructions ? { instructions: options.instructions } : {}),
  };
  return { ctx, calls, reservations, spent: () => spent };
}
