/**
 * A versioned prompt: its id and version go into every `LlmRequest` (and so
 * into the run's record of prompt versions); the text lives in a TS module so
 * esbuild bundles it into the Lambda with the code.
 *
 * @module
 */

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
