/**
 * The shapes the agent pipeline passes between its stages (issue 18): the
 * artifacts each agent writes (requirements, test cases, Playwright files,
 * the verify outcome), what each stage reads, and the ports a stage is given
 * (LLM, metering, budget). The orchestration (runs, approvals, events, the
 * state machine) lives in `agent-runs.*`; the agents themselves
 * (`stages/`, `llm/`, `verify/`, `export/`) only see these types.
 *
 * Every agent output is validated with these schemas (zod at the LLM
 * boundary); an invalid output is retried once with the validation errors fed
 * back, then the stage fails with {@link AgentOutputError}.
 *
 * @module
 */
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { text } from '../text/text-schema.ts';
import { uuid } from '../text/uuid.ts';

/** A test id as checklists allocate them (`T12`). */
export const tidSchema = text().regex(/^T\d{1,9}$/, 'a TID like T12');

/** Where a requirement comes from: a document chunk or a criterion on an issue. */
export const requirementSourceSchema = z.union([
  z.object({ documentId: uuid(), chunkId: uuid() }).strict(),
  z.object({ issue: z.number().int().positive(), tid: tidSchema }).strict(),
]);
export type RequirementSource = z.infer<typeof requirementSourceSchema>;

/**
 * One acceptance criterion of a requirement. `tid` is kept from the issue's
 * checklist; a criterion the analyst proposes has none (a human may later add
 * it to the issue, which allocates one).
 */
export const acceptanceCriterionSchema = z
  .object({ text: text().min(1).max(2000), tid: tidSchema.optional() })
  .strict();
export type AcceptanceCriterion = z.infer<typeof acceptanceCriterionSchema>;

/** The analyst's output: one requirement. `id` is stable within a run (`R1`, `R2`, …). */
export const requirementSchema = z
  .object({
    id: text().regex(/^R\d{1,4}$/, 'an id like R1'),
    title: text().min(1).max(300),
    description: text().max(8000),
    acceptanceCriteria: z.array(acceptanceCriterionSchema).min(1).max(100),
    sources: z.array(requirementSourceSchema).max(200),
  })
  .strict();
export type Requirement = z.infer<typeof requirementSchema>;
export const requirementsSchema = z.array(requirementSchema).min(1).max(500);

/**
 * The QA engineer's output: one test case for one criterion. `tid` is the
 * criterion's TID, or `null` for a proposed criterion (its index in the
 * requirement is then `criterionIndex`).
 */
export const testCaseSchema = z
  .object({
    requirementId: requirementSchema.shape.id,
    criterionIndex: z.number().int().min(0),
    tid: tidSchema.nullable(),
    title: text().min(1).max(300),
    preconditions: z.array(text().max(1000)).max(50),
    steps: z
      .array(z.object({ action: text().min(1).max(2000), expected: text().max(2000) }).strict())
      .min(1)
      .max(100),
    priority: z.enum(['high', 'medium', 'low']),
    type: z.enum(['functional', 'negative', 'boundary', 'accessibility', 'security', 'usability']),
  })
  .strict();
export type TestCase = z.infer<typeof testCaseSchema>;
export const testCasesSchema = z.array(testCaseSchema).min(1).max(1000);

/**
 * The automation engineer's output: one Playwright test file for one
 * requirement (`@playwright/test` style, TypeScript). Test titles follow the
 * TID convention (`T12::rejects an invalid email`). `locators` lists every
 * locator expression the file uses, exactly as written in the code.
 */
export const playwrightFileSchema = z
  .object({
    requirementId: requirementSchema.shape.id,
    /** Relative POSIX path, e.g. `tests/r1-sign-in.spec.ts`. */
    path: text()
      .min(1)
      .max(300)
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.spec\.ts$/, 'a relative path ending .spec.ts'),
    content: text().min(1).max(200_000),
    tids: z.array(tidSchema).max(1000),
    locators: z.array(text().max(1000)).max(5000),
    /** Draft tests a person gave their TID back (`POST …/artifacts/{id}/promote`), oldest first. */
    promotions: z
      .array(
        z
          .object({
            title: text().max(1000),
            tid: tidSchema,
            promotedBy: text().max(200),
            promotedAt: z.iso.datetime(),
          })
          .strict(),
      )
      .max(1000)
      .optional(),
  })
  .strict();
export type PlaywrightFile = z.infer<typeof playwrightFileSchema>;

/**
 * What verify saw of one generated test: `proving` — it passed on the app
 * and failed on a mutant of the app in which what one of its assertions
 * checks is broken (it *can fail*; whether it tests the right thing stays a
 * person's judgement); `vacuous` — it passed on the mutants too; `failed` —
 * it failed (or could not load) on the app; `not_run` — verify could not
 * run it, or could not run its mutants. Only a proving test keeps its TID.
 */
export const testResultSchema = z.object({
  title: text(),
  tid: tidSchema.nullable(),
  outcome: z.enum(['proving', 'vacuous', 'failed', 'not_run']),
});
export type TestResult = z.infer<typeof testResultSchema>;

/** The verify stage's outcome, carried by `GET …/agent-runs/{id}` as `verify`. */
export const verifyOutcomeSchema = z.object({
  typecheck: z.enum(['ok', 'failed']),
  /** Type errors, `path:line:col message`, at most 100. */
  typeErrors: z.array(text()).default([]),
  /** Locators used by the files that the crawl did not record. */
  locatorsMissing: z.array(z.object({ path: text(), locator: text() })),
  /**
   * Why files were refused by the code allow-list (issue 25), `path:line:col
   * reason`; a refused file is not run and its tests count as failed.
   */
  codeRefused: z.array(text()).optional(),
  /** Whether the tests were run against the crawled app (false: not reachable, refused, or no crawl). */
  ran: z.boolean(),
  /** Why they were not run, when `ran` is false. */
  notRunReason: text().optional(),
  tests: z.number().int().min(0),
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
  /** Tests that passed on the app and failed on a mutant in which what one of their assertions checks is broken. */
  proving: z.number().int().min(0).default(0),
  /** Tests that passed on the app and on every mutant: they cannot fail, so they prove nothing. */
  vacuous: z.number().int().min(0).default(0),
  /** Every declared test: its title as generated, the TID it was written for, and what verify saw. */
  results: z.array(testResultSchema).default([]),
});
export type VerifyOutcome = z.infer<typeof verifyOutcomeSchema>;

/** Artifact kinds, as the API names them. */
export const ARTIFACT_KINDS = ['requirements', 'test-cases', 'playwright-test', 'verify-report'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

// ---------------------------------------------------------------------------
// What the stages read

/** An issue the analyst reads, with its checklist's criteria (TIDs kept). */
export interface AnalystIssue {
  readonly repository: string;
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly criteria: readonly { readonly tid: string; readonly text: string }[];
}

/** A retrieved document chunk (hybrid search). */
export interface RetrievedChunk {
  readonly documentId: string;
  readonly chunkId: string;
  readonly documentName: string;
  /** Heading path of the chunk, when the document had headings. */
  readonly headings: readonly string[];
  readonly text: string;
  /** Fused rank score, higher is better. */
  readonly score: number;
}

/** What the automation stage and verify know about the app under test. */
export interface CrawlFacts {
  readonly crawlId: string;
  /** The crawl's start URL: the generated tests' `baseURL`. */
  readonly startUrl: string;
  readonly pages: readonly {
    readonly url: string;
    readonly title: string | null;
    readonly headings: readonly { readonly level: number; readonly text: string }[];
    readonly links: readonly { readonly href: string; readonly text: string }[];
    readonly forms: readonly {
      readonly locator: string | null;
      /** Absolute URL the form submits to, when the crawl recorded it. */
      readonly action?: string | null;
      /** `get` or `post`, when the crawl recorded it. */
      readonly method?: string;
      readonly fields: readonly {
        readonly label: string | null;
        readonly name: string | null;
        readonly type: string;
        readonly required: boolean;
        readonly locator: string | null;
        /** Option texts of a `select`. */
        readonly options?: readonly string[];
      }[];
      readonly submit?: { readonly text: string; readonly locator: string | null };
    }[];
    readonly buttons: readonly { readonly name: string; readonly locator: string | null }[];
  }[];
}

// ---------------------------------------------------------------------------
// Ports a stage is given

/** Token usage of one LLM call, from the provider's `usage` (or counted the same way offline). */
export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** One LLM call, as metered and recorded as an `llm_call` event. */
export interface LlmCallRecord {
  readonly stage: AgentStage;
  readonly model: string;
  readonly promptId: string;
  readonly promptVersion: string;
  readonly usage: LlmUsage;
  readonly attempt: number;
  readonly outcome: 'ok' | 'invalid' | 'error';
  readonly durationMs: number;
  readonly error?: string;
}

export const AGENT_STAGES = ['analyst', 'qa', 'automation', 'verify'] as const;
export type AgentStage = (typeof AGENT_STAGES)[number];

/** What every stage function is given. */
export interface StageContext {
  /** The LLM to call (OpenAI-compatible, or the deterministic offline provider). */
  readonly llm: LlmProvider;
  /**
   * Called before each LLM call with the tokens it may use at most (prompt
   * estimate + max output); throws {@link BudgetExceededError} when the run's or
   * the organisation's budget cannot cover it.
   */
  readonly reserveTokens: (estimate: number) => Promise<void>;
  /** Called after each LLM call (success or not): meters tokens, records an `llm_call` event. */
  readonly recordCall: (call: LlmCallRecord) => Promise<void>;
  /** Free-text instructions of the run, if any. */
  readonly instructions?: string;
  /** Aborted when the run is cancelled. */
  readonly signal?: AbortSignal;
}

/** A structured-output request to an LLM. */
export interface LlmRequest<T> {
  readonly stage: AgentStage;
  readonly promptId: string;
  readonly promptVersion: string;
  readonly system: string;
  readonly user: string;
  /** zod schema of the output, sent as a JSON schema and validated on return. */
  readonly schema: z.ZodType<T>;
  readonly schemaName: string;
  /** The structured input the prompt was rendered from (the offline provider reads this, not `user`). */
  readonly input: unknown;
  readonly maxOutputTokens: number;
  readonly signal?: AbortSignal;
  /**
   * Turns after `user`, oldest first: the corrective retry sends the invalid
   * answer (`assistant`) and the validation errors (`user`) here.
   */
  readonly history?: readonly LlmTurn[];
}

/** One turn of a conversation after the first user message. */
export interface LlmTurn {
  readonly role: 'assistant' | 'user';
  readonly content: string;
}

/** A provider of structured LLM output. Raw text is returned; the caller validates. */
export interface LlmProvider {
  /** `offline` for the deterministic provider. */
  readonly name: string;
  readonly model: string;
  complete(request: LlmRequest<unknown>): Promise<{ readonly raw: string; readonly usage: LlmUsage }>;
}

// ---------------------------------------------------------------------------
// Errors the state machine's Retry/Catch match on (by `name`)

/** An agent's output stayed invalid after one corrective retry. */
export class AgentOutputError extends DomainError {
  override readonly name = 'AgentOutputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('agent_output_invalid', message, options);
  }
}

/** The LLM provider failed (timeout, 5xx after retries, refusal, truncation). */
export class LlmUnavailableError extends DomainError {
  override readonly name = 'LlmUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('llm_unavailable', message, options);
  }
}

/** The run's `tokenBudget` or the organisation's monthly budget is spent. */
export class BudgetExceededError extends DomainError {
  override readonly name = 'BudgetExceededError';
  constructor(message: string) {
    super('budget_exceeded', message);
  }
}
