/**
 * Token metering and budgets of agent runs (issue 18): the `reserveTokens`
 * and `recordCall` ports of a {@link StageContext}. Every LLM call is metered
 * from the provider's usage (the offline provider counts the same way) into
 * the run, its stage and the organisation's month, and recorded as an
 * `llm_call` event. Before each call the stage reserves the most the call can
 * use; when the run's `tokenBudget` or the organisation's
 * `ASSAY_ORG_MONTHLY_TOKEN_BUDGET` cannot cover it, the call is refused with
 * {@link BudgetExceededError} and the run ends `budget_exceeded`.
 *
 * A reservation is a check, not a hold: two calls running at once (the QA
 * Map) may together pass a budget by at most one call each.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { addTokens, findMonthUsage, findRun, insertEvent } from './agent-runs.repository.ts';
import { usageMonth } from './agent-runs.service.ts';
import type { RunRef } from './agent-runs.types.ts';
import { type AgentStage, BudgetExceededError, type LlmCallRecord } from './agents.types.ts';

/** The two metering ports of a stage. */
export interface RunMeter {
  reserveTokens(estimate: number): Promise<void>;
  recordCall(call: LlmCallRecord): Promise<void>;
}

/** The meter of one run's stage. `now` is injectable for the month boundary. */
export function createRunMeter(
  deps: { db: Kysely<Database>; config: Pick<Config, 'ASSAY_ORG_MONTHLY_TOKEN_BUDGET'>; now?: () => Date },
  ref: RunRef,
  stage: AgentStage,
  item?: string,
): RunMeter {
  const now = deps.now ?? (() => new Date());
  return {
    async reserveTokens(estimate) {
      const want = Math.max(0, Math.ceil(estimate));
      await withTenant(deps.db, ref.orgId, async (trx) => {
        const run = await findRun(trx, ref.runId);
        if (!run) throw new BudgetExceededError('The run no longer exists');
        const used = Number(run.total_tokens);
        if (run.token_budget !== null && used + want > run.token_budget) {
          throw new BudgetExceededError(
            `The run's token budget (${run.token_budget}) cannot cover the next call: ${used} spent, up to ${want} needed`,
          );
        }
        const monthly = deps.config.ASSAY_ORG_MONTHLY_TOKEN_BUDGET;
        if (monthly !== undefined) {
          const usage = await findMonthUsage(trx, ref.orgId, usageMonth(now()));
          const spent = Number(usage?.total_tokens ?? 0);
          if (spent + want > monthly) {
            throw new BudgetExceededError(
              `The organisation's monthly token budget (${monthly}) cannot cover the next call: ${spent} spent this month, up to ${want} needed`,
            );
          }
        }
      });
    },
    async recordCall(call) {
      await withTenant(deps.db, ref.orgId, async (trx) => {
        await addTokens(trx, {
          orgId: ref.orgId,
          runId: ref.runId,
          stage,
          month: usageMonth(now()),
          prompt: call.usage.promptTokens,
          completion: call.usage.completionTokens,
          total: call.usage.totalTokens,
          model: call.model,
          promptId: call.promptId,
          promptVersion: call.promptVersion,
        });
        await insertEvent(trx, {
          orgId: ref.orgId,
          runId: ref.runId,
          type: 'llm_call',
          stage,
          data: {
            ...(item ? { item } : {}),
            model: call.model,
            promptId: call.promptId,
            promptVersion: call.promptVersion,
            usage: call.usage,
            attempt: call.attempt,
            outcome: call.outcome,
            durationMs: Math.round(call.durationMs),
            ...(call.error ? { error: call.error.slice(0, 2000) } : {}),
          },
        });
      });
    },
  };
}
