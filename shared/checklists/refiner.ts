import { getLogger } from '../logger.ts';
import type { Refiner } from './checklist.service.ts';
import { createOpenAiClient, refineCriteria } from './refine/index.ts';

let cached: Promise<Refiner | undefined> | undefined;

/**
 * The LLM refinement pass when an OpenAI-compatible endpoint is configured
 * (`ASSAY_OPENAI_*`), otherwise undefined: the extracted list is used as is.
 * Built once per process.
 */
export function checklistRefiner(): Promise<Refiner | undefined> {
  cached ??= createOpenAiClient().then((setup) => {
    if (!setup) return undefined;
    const refiner: Refiner = async ({ title, body, extracted }) => {
      const log = {
        warn: (message: string, attributes: Record<string, unknown> = {}) =>
          getLogger().warn(message, attributes),
      };
      const result = await refineCriteria({ title, body, extracted }, { ...setup, log });
      return {
        items: result.items.map((i) => ({ text: i.text, source: i.source })),
        usedLlm: result.usedLlm,
      };
    };
    return refiner;
  });
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
