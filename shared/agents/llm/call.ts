/**
 * One structured LLM call with metering, validation and one corrective retry.
 *
 * @module
 */
import type { z } from 'zod';
import { countTokens } from '../../documents/tokens.ts';
import { DomainError } from '../../errors.ts';
import {
  AgentOutputError,
  type LlmRequest,
  type LlmTurn,
  LlmUnavailableError,
  type LlmUsage,
  type StageContext,
} from '../agents.types.ts';

/** Calls made at most: the first, and one retry with the validation errors fed back. */
export const MAX_ATTEMPTS = 2;
const NO_USAGE: LlmUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
const MAX_ERRORS = 20;

/** Checks beyond the schema (unknown ids, coverage): the problems found, empty when the output is good. */
export type OutputCheck<T> = (output: T) => readonly string[];

/** The tokens of the rendered prompt (system, user and history), `cl100k_base`. */
export function promptTokens(request: Pick<LlmRequest<unknown>, 'system' | 'user' | 'history'>): number {
  return countTokens(
    [request.system, request.user, ...(request.history ?? []).map((turn) => turn.content)].join('\n'),
  );
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
}

/** Parses and validates raw output: the value, or the problems (never throws). */
export function parseOutput<T>(
  raw: string,
  schema: z.ZodType<T>,
  check?: OutputCheck<T>,
): { ok: true; value: T } | { ok: false; problems: string[] } {
  if (raw.trim() === '') return { ok: false, problems: ['the output is empty'] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problems: [`the output is not JSON (${(error as Error).message})`] };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, problems: zodProblems(result.error).slice(0, MAX_ERRORS) };
  const problems = check ? [...check(result.data)] : [];
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_ERRORS) };
  return { ok: true, value: result.data };
}

function usageOf(error: unknown): LlmUsage {
  const usage = (error as { usage?: LlmUsage } | null)?.usage;
  return usage && typeof usage.totalTokens === 'number' ? usage : NO_USAGE;
}

/**
 * Asks `ctx.llm` for `request` and returns the validated output.
 *
 * Per attempt: reserves `prompt tokens + maxOutputTokens` with
 * `ctx.reserveTokens` (which throws `BudgetExceededError`), calls the
 * provider, parses the raw text as JSON and validates it with
 * `request.schema` and `check`; every attempt is reported with
 * `ctx.recordCall` (usage, outcome `ok` / `invalid` / `error`, attempt
 * number, duration in ms). An invalid answer is retried once, the invalid
 * answer and its problems added to the conversation.
 *
 * @throws AgentOutputError when the second answer is invalid too;
 *   LlmUnavailableError when the provider fails (timeout, HTTP error, refusal,
 *   truncation) — not retried here (the SDK already retried 429/5xx; the state
 *   machine's Retry decides the rest); BudgetExceededError from the budget.
 */
export async function callStructured<T>(
  ctx: StageContext,
  request: LlmRequest<T>,
  check?: OutputCheck<T>,
): Promise<T> {
  const history: LlmTurn[] = [...(request.history ?? [])];
  let problems: string[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const current: LlmRequest<T> = {
      ...request,
      history: [...history],
      ...(request.signal || ctx.signal ? { signal: request.signal ?? ctx.signal } : {}),
    };
    await ctx.reserveTokens(promptTokens(current) + request.maxOutputTokens);
    const base = {
      stage: request.stage,
      model: ctx.llm.model,
      promptId: request.promptId,
      promptVersion: request.promptVersion,
      attempt,
    };
    const started = performance.now();
    let answer: { raw: string; usage: LlmUsage };
    try {
      answer = await ctx.llm.complete(current as LlmRequest<unknown>);
    } catch (error) {
      const failure =
        error instanceof DomainError
          ? error
          : new LlmUnavailableError(`the LLM call failed: ${(error as Error)?.message ?? String(error)}`, {
              cause: error,
            });
      await ctx.recordCall({
        ...base,
        usage: usageOf(error),
        outcome: 'error',
        durationMs: Math.round(performance.now() - started),
        error: failure.message,
      });
      throw failure;
    }
    const durationMs = Math.round(performance.now() - started);
    const parsed = parseOutput(answer.raw, request.schema, check);
    if (parsed.ok) {
      await ctx.recordCall({ ...base, usage: answer.usage, outcome: 'ok', durationMs });
      return parsed.value;
    }
    problems = parsed.problems;
    await ctx.recordCall({
      ...base,
      usage: answer.usage,
      outcome: 'invalid',
      durationMs,
      error: problems.join('; ').slice(0, 1000),
    });
    history.push(
      { role: 'assistant', content: answer.raw.slice(0, 20_000) },
      {
        role: 'user',
        content: `Your answer was not valid:\n${problems.map((p) => `- ${p}`).join('\n')}\nAnswer again with the complete, corrected JSON only.`,
      },
    );
  }
  throw new AgentOutputError(
    `the ${request.stage} agent's output stayed invalid after ${MAX_ATTEMPTS} attempts: ${problems.join('; ').slice(0, 500)}`,
  );
}
