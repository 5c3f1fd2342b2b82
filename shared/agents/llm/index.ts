/**
 * The agents' LLM: an OpenAI-compatible endpoint, or the deterministic
 * offline provider, and {@link callStructured} to ask it for validated output.
 *
 * @module
 */
import { createOpenAiClient, type OpenAiClientDeps } from '../../checklists/refine/client.ts';
import { type Config, getConfig } from '../../config.ts';
import type { LlmProvider } from '../agents.types.ts';
import { offlineProvider } from './offline-provider.ts';
import { openAiProvider } from './openai-provider.ts';

export { callStructured, MAX_ATTEMPTS, type OutputCheck, parseOutput, promptTokens } from './call.ts';
export { OFFLINE_MODEL, offlineProvider } from './offline-provider.ts';
export { LlmFailedCallError, openAiProvider } from './openai-provider.ts';

/** Timeout of one agent call (agents write more than the checklist refinement does). */
export const AGENT_LLM_TIMEOUT_MS = 120_000;

/**
 * The LLM provider of the agents, from the same settings as checklist
 * refinement: `ASSAY_OPENAI_BASE_URL`, `ASSAY_OPENAI_API_KEY` (on AWS the
 * `openai` application secret) and `ASSAY_OPENAI_MODEL` → {@link openAiProvider}
 * (timeout `deps.timeoutMs`, default {@link AGENT_LLM_TIMEOUT_MS}; the SDK
 * retries connection errors, 429 and 5xx `deps.maxRetries` times, default 1).
 * Neither a key nor a base URL → the deterministic {@link offlineProvider}.
 *
 * @throws Error when the secret cannot be read (other than "not configured").
 */
export async function createLlmProvider(
  config: Config = getConfig(),
  deps: OpenAiClientDeps = {},
): Promise<LlmProvider> {
  const setup = await createOpenAiClient(config, {
    ...deps,
    timeoutMs: deps.timeoutMs ?? AGENT_LLM_TIMEOUT_MS,
  });
  if (!setup) return offlineProvider();
  return openAiProvider(setup.client, setup.model);
}
