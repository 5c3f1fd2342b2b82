import { z } from 'zod';

/** Where an extracted item came from, in order of precedence. */
export const EXTRACTOR_SOURCES = ['section', 'gherkin', 'tasklist', 'modal'] as const;

/** Source of an extracted item (see SPEC §2). */
export type ExtractorSource = (typeof EXTRACTOR_SOURCES)[number];

/** One acceptance criterion found in an issue. */
export const ExtractedItemSchema = z.object({
  /** Plain text: markdown rendered, whitespace normalized, nested bullets folded in. */
  text: z.string().min(1),
  source: z.enum(EXTRACTOR_SOURCES),
  /** Task-list state when the item was a `- [ ]` / `- [x]` item. */
  checked: z.boolean().optional(),
});

/** One acceptance criterion found in an issue. */
export type ExtractedItem = z.infer<typeof ExtractedItemSchema>;

/** Result of {@link extractCriteria}. */
export interface ExtractionResult {
  /** Items in document order, de-duplicated, at most `maxItems`. */
  readonly items: ExtractedItem[];
  /** True when the body was cut to `maxBodyBytes` or more than `maxItems` items were found. */
  readonly truncated: boolean;
  /** Items found (after de-duplication) before the `maxItems` cap. */
  readonly totalFound: number;
}

/** The parts of an issue the extractor reads. */
export interface ExtractionInput {
  readonly title?: string | null;
  /** Markdown body; GitHub sends null for an empty body. */
  readonly body?: string | null;
}

/** Limits of {@link extractCriteria}; every field has a safe default. */
export interface ExtractionOptions {
  /** Items returned at most (default 200). */
  readonly maxItems?: number;
  /** UTF-8 bytes of the body parsed at most, cut at a line boundary (default 256 KiB). */
  readonly maxBodyBytes?: number;
  /** Characters per item text at most, longer texts end with `…` (default 500). */
  readonly maxItemChars?: number;
}
