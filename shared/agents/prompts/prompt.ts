/**
 * A versioned prompt: its id and version go into every `LlmRequest` (and so
 * into the run's record of prompt versions); the text lives in a TS module so
 * esbuild bundles it into the Lambda with the code.
 *
 * @module
 */
import type { z } from 'zod';
import type { AgentStage, LlmRequest } from '../agents.types.ts';

/** A prompt template of one agent. */
export interface PromptTemplate<I> {
  /** `analyst`, `qa`, `automation`. */
  readonly id: string;
  /** Bumped whenever the wording changes (`1`, `2`, …). */
  readonly version: string;
  readonly system: string;
  /** Renders the user message from the stage's input. */
  render(input: I): string;
}

/** `instructions` of the run, as the last section of a user message (empty when none). */
export function instructionsSection(instructions: string | undefined): string {
  const trimmed = instructions?.trim();
  return trimmed ? `\n\n## Instructions from the team\n${trimmed}` : '';
}

/** A JSON block for a prompt. */
export function jsonBlock(value: unknown): string {
  return `\`\`\`json\n${JSON.stringify(value, null, 1)}\n\`\`\``;
}

/**
 * The LLM request of one agent call: `prompt` rendered from `input` (which the
 * request also carries for the offline provider), its id and version recorded.
 */
export function promptRequest<I, T>(
  prompt: PromptTemplate<I>,
  call: {
    readonly stage: AgentStage;
    readonly input: I;
    readonly schema: z.ZodType<T>;
    readonly schemaName: string;
    readonly maxOutputTokens: number;
  },
): LlmRequest<T> {
  return {
    stage: call.stage,
    promptId: prompt.id,
    promptVersion: prompt.version,
    system: prompt.system,
    user: prompt.render(call.input),
    schema: call.schema,
    schemaName: call.schemaName,
    input: call.input,
    maxOutputTokens: call.maxOutputTokens,
  };
}
