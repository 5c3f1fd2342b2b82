import type { ExtractedItem, ExtractorSource } from '../extract/index.ts';

/** Where a refined item came from: an extractor source for author-written items, `llm` otherwise. */
export const REFINED_SOURCES = ['section', 'gherkin', 'tasklist', 'modal', 'llm'] as const;

/** Source of a refined item (see SPEC §2). */
export type RefinedSource = ExtractorSource | 'llm';

/** One acceptance criterion after the (optional) LLM refinement pass. */
export interface RefinedItem {
  text: string;
  source: RefinedSource;
  /** Task-list state, carried over from the author's item(s). */
  checked?: boolean;
}

/** The issue and the rule-based extraction to refine. */
export interface RefineInput {
  readonly title?: string | null;
  readonly body?: string | null;
  readonly extracted: readonly ExtractedItem[];
}

/**
 * The subset of a logger the refinement uses. The Powertools `Logger`
 * (`shared/logger.ts`) fits; nothing secret is ever logged.
 */
export interface RefineLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
  debug?(message: string, attributes: Record<string, unknown>): void;
}

/** Token use of all calls made, for metering. */
export interface RefineUsage {
  promptTokens: number;
  completionTokens: number;
}

/** Outcome of {@link refineCriteria}; never an exception. */
export interface RefineResult {
  /** The refined list, or the extracted list unchanged when `usedLlm` is false. */
  items: RefinedItem[];
  /** True when the model's answer was used. */
  usedLlm: boolean;
  /** Chat-completion calls made (0, 1 or 2; the SDK's own HTTP retries are not counted). */
  attempts: number;
  /** Why the model's answer was not used (API error, invalid output…). */
  error?: string;
  usage: RefineUsage;
}

/** Limits of the refinement; every field has a default. */
export interface RefineLimits {
  /** Items returned at most (default 200). */
  readonly maxItems?: number;
  /** Characters per item text at most, longer texts end with `…` (default 500). */
  readonly maxItemChars?: number;
  /** Characters of the issue body sent to the model at most (default 12,000). */
  readonly maxBodyChars?: number;
}

export const DEFAULT_REFINE_LIMITS = {
  maxItems: 200,
  maxItemChars: 500,
  maxBodyChars: 12_000,
  maxTitleChars: 500,
} as const;
