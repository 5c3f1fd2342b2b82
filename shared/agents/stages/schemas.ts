/**
 * What each agent must answer, as sent to the model (`json_schema`, strict
 * mode): an object at the root, every field required, optional fields
 * nullable. The stages convert these to the contract's artifacts
 * (`agents.types.ts`): a `null` TID of a proposed criterion becomes no `tid`;
 * file `tids` and `locators` are read from the code, not from the model.
 *
 * @module
 */
import { z } from 'zod';
import { text } from '../../text/text-schema.ts';
import {
  type AnalystIssue,
  acceptanceCriterionSchema,
  type CrawlFacts,
  type Requirement,
  type RetrievedChunk,
  requirementSchema,
  type TestCase,
  testCaseSchema,
  tidSchema,
} from '../agents.types.ts';

/** The analyst's answer. */
export const analystOutputSchema = z
  .object({
    requirements: z
      .array(
        requirementSchema.extend({
          acceptanceCriteria: z
            .array(acceptanceCriterionSchema.extend({ tid: tidSchema.nullable() }).strict())
            .min(1)
            .max(100),
        }),
      )
      .min(1)
      .max(500),
  })
  .strict();
export type AnalystOutput = z.infer<typeof analystOutputSchema>;

/** The QA engineer's answer for one requirement. */
export const qaOutputSchema = z.object({ testCases: z.array(testCaseSchema).min(1).max(1000) }).strict();
export type QaOutput = z.infer<typeof qaOutputSchema>;

/** The automation engineer's answer for one requirement: one file. */
export const automationOutputSchema = z
  .object({
    path: text()
      .min(1)
      .max(300)
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.spec\.ts$/, 'a relative path ending .spec.ts'),
    content: text().min(1).max(200_000),
  })
  .strict();
export type AutomationOutput = z.infer<typeof automationOutputSchema>;

/** What the analyst prompt is rendered from (and the offline provider reads). */
export interface AnalystInput {
  readonly issues: readonly AnalystIssue[];
  readonly chunks: readonly RetrievedChunk[];
  readonly instructions?: string;
}

/** What the QA prompt is rendered from. */
export interface QaInput {
  readonly requirement: Requirement;
  readonly chunks: readonly RetrievedChunk[];
  readonly crawl: CrawlFacts | null;
  readonly instructions?: string;
}

/** What the automation prompt is rendered from. */
export interface AutomationInput {
  readonly requirement: Requirement;
  readonly testCases: readonly TestCase[];
  readonly crawl: CrawlFacts | null;
  /** The file path the stage asks for (`tests/r1-sign-in.spec.ts`). */
  readonly path: string;
  readonly instructions?: string;
}
