/**
 * The real agents behind {@link AgentToolkit}: the configured LLM (OpenAI-
 * compatible, or the deterministic offline provider without a key), the
 * configured embedder, and the stage functions of `shared/agents/{stages,verify}`.
 *
 * @module
 */
import type { Config } from '../config.ts';
import { getConfiguredEmbedder } from '../documents/embeddings/index.ts';
import type { AgentToolkit } from './agent-run-steps.service.ts';
import type { LlmProvider } from './agents.types.ts';
import { createLlmProvider } from './llm/index.ts';
import { analystSearchQueries, runAnalyst } from './stages/analyst.ts';
import { crawlFactsFromPages, runAutomation } from './stages/automation.ts';
import { runQa } from './stages/qa.ts';
import { retitleUnproven, verifyPlaywrightFiles } from './verify/index.ts';

/** The toolkit of this deployment; the LLM provider is made once and shared. */
export function createAgentToolkit(config: Config): AgentToolkit {
  let llm: Promise<LlmProvider> | undefined;
  return {
    llm: () => {
      const provider = llm ?? createLlmProvider(config);
      if (!llm) {
        llm = provider;
        provider.catch(() => {
          llm = undefined;
        });
      }
      return provider;
    },
    embedder: () => getConfiguredEmbedder(config),
    analystSearchQueries: (issues) => analystSearchQueries(issues),
    runAnalyst,
    runQa,
    runAutomation,
    crawlFacts: crawlFactsFromPages,
    verify: verifyPlaywrightFiles,
    retitleUnproven,
  };
}
