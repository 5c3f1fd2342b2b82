/**
 * The deterministic offline LLM provider (`name: 'offline'`): answers each
 * agent prompt from the request's structured `input` (not from the rendered
 * text), so the whole pipeline runs without a model. Usage is counted the way
 * a real endpoint would report it: `cl100k_base` tokens of the rendered
 * conversation (prompt) and of the raw answer (completion).
 *
 * @module
 */
import { countTokens } from '../../documents/tokens.ts';
import { type LlmProvider, type LlmRequest, LlmUnavailableError } from '../agents.types.ts';
import { analystPrompt } from '../prompts/analyst.ts';
import { automationPrompt } from '../prompts/automation.ts';
import { qaPrompt } from '../prompts/qa.ts';
import type { AnalystInput, AutomationInput, QaInput } from '../stages/schemas.ts';
import { promptTokens } from './call.ts';
import { offlineAnalyst } from './offline/analyst.ts';
import { offlineAutomation } from './offline/automation.ts';
import { offlineQa } from './offline/qa.ts';

/** Model name the offline provider reports. */
export const OFFLINE_MODEL = 'assay-offline-1';

function answer(request: LlmRequest<unknown>): unknown {
  // The stages put their typed input in `input`; the prompt id says which.
  switch (request.promptId) {
    case analystPrompt.id:
      return offlineAnalyst(request.input as AnalystInput);
    case qaPrompt.id:
      return offlineQa(request.input as QaInput);
    case automationPrompt.id:
      return offlineAutomation(request.input as AutomationInput);
    default:
      throw new LlmUnavailableError(`the offline provider has no agent for prompt ${request.promptId}`);
  }
}

/** The offline provider. */
export function offlineProvider(): LlmProvider {
  return {
    name: 'offline',
    model: OFFLINE_MODEL,
    async complete(request) {
      if (request.signal?.aborted) throw new LlmUnavailableError('the LLM request was aborted');
      const raw = JSON.stringify(answer(request));
      const prompt = promptTokens(request);
      const completion = countTokens(raw);
      return {
        raw,
        usage: { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion },
      };
    },
  };
}
