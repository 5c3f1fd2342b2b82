/**
 * Optional LLM refinement of extracted acceptance criteria (SPEC §2): one
 * structured call through the `openai` SDK, author items never dropped.
 */
export { createOpenAiClient, OPENAI_MAX_RETRIES, OPENAI_TIMEOUT_MS, type OpenAiSetup } from './client.ts';
export { buildMessages, buildUserMessage, EXTRACTED_ITEMS_TAG, SYSTEM_PROMPT } from './prompt.ts';
export { reconcile } from './reconcile.ts';
export { parseCompletion, type RefineDeps, refineCriteria } from './refine.ts';
export {
  RESPONSE_FORMAT_NAME,
  type RefinedOrigin,
  RefinedOriginSchema,
  type RefinementOutput,
  RefinementOutputSchema,
  refinementResponseFormat,
} from './schema.ts';
export {
  DEFAULT_REFINE_LIMITS,
  REFINED_SOURCES,
  type RefinedItem,
  type RefinedSource,
  type RefineInput,
  type RefineLimits,
  type RefineLogger,
  type RefineResult,
  type RefineUsage,
} from './types.ts';
