/**
 * The agents' prompts, versioned. {@link PROMPT_VERSIONS} is what a run
 * records (`{ analyst: '1', qa: '1', automation: '1' }`).
 *
 * @module
 */
import { analystPrompt } from './analyst.ts';
import { automationPrompt } from './automation.ts';
import { qaPrompt } from './qa.ts';

export { analystPrompt } from './analyst.ts';
export { automationPrompt } from './automation.ts';
export { crawlSummary, MAX_PROMPT_PAGES, requirementText } from './crawl-summary.ts';
export type { PromptTemplate } from './prompt.ts';
export { qaPrompt } from './qa.ts';

/** Prompt id → version of every agent prompt in this build. */
export const PROMPT_VERSIONS: Readonly<Record<string, string>> = Object.freeze({
  [analystPrompt.id]: analystPrompt.version,
  [qaPrompt.id]: qaPrompt.version,
  [automationPrompt.id]: automationPrompt.version,
});
