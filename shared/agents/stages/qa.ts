/**
 * The QA stage (issue 18, stage 3, one requirement per `Map` iteration):
 * test cases, at least one per acceptance criterion.
 *
 * @module
 */
import type { CrawlFacts, Requirement, RetrievedChunk, StageContext, TestCase } from '../agents.types.ts';
import { callStructured } from '../llm/call.ts';
import { promptRequest } from '../prompts/prompt.ts';
import { qaPrompt } from '../prompts/qa.ts';
import { type QaInput, type QaOutput, qaOutputSchema } from './schemas.ts';

/** Largest answer the QA engineer may write, in tokens. */
export const QA_MAX_OUTPUT_TOKENS = 12_000;

/**
 * The problems of a QA answer beyond its schema: a test case of another
 * requirement, a criterion index out of range, a TID that is not its
 * criterion's, a criterion without any test case. Empty when good.
 */
export function qaProblems(output: QaOutput, requirement: Requirement): string[] {
  const problems: string[] = [];
  const covered = new Set<number>();
  output.testCases.forEach((tc, i) => {
    if (tc.requirementId !== requirement.id)
      problems.push(`testCases.${i}.requirementId: expected ${requirement.id}, got ${tc.requirementId}`);
    const criterion = requirement.acceptanceCriteria[tc.criterionIndex];
    if (!criterion) {
      problems.push(
        `testCases.${i}.criterionIndex: ${tc.criterionIndex} is out of range (0–${requirement.acceptanceCriteria.length - 1})`,
      );
      return;
    }
    if ((criterion.tid ?? null) !== tc.tid)
      problems.push(
        `testCases.${i}.tid: criterion ${tc.criterionIndex} has TID ${criterion.tid ?? 'null'}, got ${tc.tid ?? 'null'}`,
      );
    covered.add(tc.criterionIndex);
  });
  requirement.acceptanceCriteria.forEach((criterion, index) => {
    if (!covered.has(index))
      problems.push(
        `criterion ${index} (${criterion.tid ?? 'proposed'}: ${criterion.text.slice(0, 80)}) has no test case`,
      );
  });
  return problems;
}

/**
 * Runs the QA engineer on one requirement (prompt {@link qaPrompt}): test
 * cases with concrete steps — on the crawled pages when `crawl` is given —
 * covering every criterion.
 *
 * @throws AgentOutputError when the answer is invalid twice (schema or
 *   {@link qaProblems}); LlmUnavailableError; BudgetExceededError.
 */
export async function runQa(
  ctx: StageContext,
  input: { requirement: Requirement; chunks: readonly RetrievedChunk[]; crawl: CrawlFacts | null },
): Promise<TestCase[]> {
  const promptInput: QaInput = {
    requirement: input.requirement,
    chunks: input.chunks,
    crawl: input.crawl,
    ...(ctx.instructions ? { instructions: ctx.instructions } : {}),
  };
  const output = await callStructured(
    ctx,
    promptRequest(qaPrompt, {
      stage: 'qa',
      input: promptInput,
      schema: qaOutputSchema,
      schemaName: 'test_cases',
      maxOutputTokens: QA_MAX_OUTPUT_TOKENS,
    }),
    (answer) => qaProblems(answer, input.requirement),
  );
  return output.testCases;
}
