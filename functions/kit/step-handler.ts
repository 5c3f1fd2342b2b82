import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { getLogger } from '../../shared/logger.ts';

/** The step's input is not its schema (a wiring mistake in the definition): not retried. */
export class StepInputError extends Error {
  override readonly name = 'StepInputError';
}

/** The step's result is not its schema (a bug): not retried. */
export class StepOutputError extends Error {
  override readonly name = 'StepOutputError';
}

export type StepRouteHandler<O> = (event: unknown, context: Context) => Promise<O>;

/**
 * Wraps a state-machine task as a Lambda handler: the input is validated with
 * `input` (zod), the result with `output`. A thrown error keeps its `name`
 * (Lambda reports it as the error type), so the definition's Retry and Catch
 * match on it (`BudgetExceededError`, `AgentOutputError`, …). Steps are
 * idempotent: Step Functions may run one twice.
 */
export function stepHandler<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  fn: (input: z.output<I>, context: Context) => Promise<z.input<O>>,
): StepRouteHandler<z.output<O>> {
  const base = async (event: unknown, context: Context): Promise<z.output<O>> => {
    const parsed = input.safeParse(event);
    if (!parsed.success) throw new StepInputError(`Step input is invalid: ${parsed.error.message}`);
    const result = output.safeParse(await fn(parsed.data, context));
    if (!result.success) throw new StepOutputError(`Step output is invalid: ${result.error.message}`);
    return result.data;
  };
  const wrapped = middy<unknown, z.output<O>>(base).use(
    injectLambdaContext(getLogger(), { resetKeys: true }),
  );
  return (event, context) => wrapped(event, context);
}
