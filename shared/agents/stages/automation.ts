/**
 * The automation stage (issue 18, stage 5): one Playwright test file per
 * requirement.
 *
 * Conventions of the generated files (checked here, relied on by verify):
 * - `@playwright/test` style, TypeScript, at `tests/r<n>-<slug>.spec.ts`;
 * - one test per test case titled `T12::<title>`, or `R2.3::<title>` for a
 *   proposed criterion without TID (see `naming.ts`);
 * - with a crawl: `test.use({ baseURL: '<crawl start URL>' })` at the top of
 *   the file, relative `page.goto` paths, actions (click, fill, …) only on
 *   the crawl's recorded locators — assertions may target any text, role or
 *   URL; without one, role/label locators from the test cases and no
 *   baseURL (the runner's config must set it);
 * - a TID only in a test's own title, and only one of its test cases'.
 *
 * @module
 */

import { extractTids } from '../../reports/junit/tids.ts';
import type { CrawlFacts, PlaywrightFile, Requirement, StageContext, TestCase } from '../agents.types.ts';
import { callStructured } from '../llm/call.ts';
import { automationPrompt } from '../prompts/automation.ts';
import { promptRequest } from '../prompts/prompt.ts';
import { canonicalLocator, locatorsInCode, testTitlesInCode, tidsInCode } from '../verify/code-facts.ts';
import { codePolicyViolations } from '../verify/code-policy.ts';
import { actionLocatorsInCode, testsInCode } from '../verify/test-facts.ts';
import { crawlLocators } from './crawl-facts.ts';
import { specPath, testTag } from './naming.ts';
import { type AutomationInput, type AutomationOutput, automationOutputSchema } from './schemas.ts';

export { crawlFactsFromPages, crawlLocators } from './crawl-facts.ts';

/** Largest file the automation engineer may write, in tokens. */
export const AUTOMATION_MAX_OUTPUT_TOKENS = 16_000;

/**
 * The problems of an automation answer beyond its schema: another path than
 * asked, no `@playwright/test` import, a test case without a test titled with
 * its tag, a TID no test case has or one in a describe title, and — with a
 * crawl — an acted-on locator the crawl did not record. Empty when good.
 */
export function automationProblems(
  output: AutomationOutput,
  input: Pick<AutomationInput, 'path' | 'testCases' | 'crawl'>,
): string[] {
  const problems: string[] = [];
  if (output.path !== input.path) problems.push(`path: expected ${input.path}, got ${output.path}`);
  if (!/from\s+['"]@playwright\/test['"]/.test(output.content))
    problems.push("content: the file must import { expect, test } from '@playwright/test'");
  // The syntax-tree allow-list (issue 25): a file outside it is invalid output, with each reason.
  for (const violation of codePolicyViolations(output.content)) problems.push(`content: ${violation}`);
  const titles = testTitlesInCode(output.content);
  for (const tc of input.testCases) {
    const tag = `${testTag(tc)}::`;
    if (!titles.some((t) => t.startsWith(tag)))
      problems.push(`content: no test titled "${tag}…" for the test case "${tc.title.slice(0, 80)}"`);
  }
  const known = new Set(input.testCases.flatMap((tc) => (tc.tid ? [tc.tid] : [])));
  for (const fact of testsInCode(output.content)) {
    for (const tid of extractTids(fact.title, ''))
      if (!known.has(tid))
        problems.push(
          `content: the test "${fact.title.slice(0, 80)}" carries ${tid}, which no test case has`,
        );
    for (const title of fact.describes)
      if (extractTids(title, '').length > 0)
        problems.push(
          `content: the describe block "${title.slice(0, 80)}" carries a TID; only test titles may`,
        );
  }
  if (input.crawl) {
    // Actions use only what the crawl recorded; assertions may look at any text, role or URL.
    const recorded = new Set([...crawlLocators(input.crawl)].map(canonicalLocator));
    for (const locator of actionLocatorsInCode(output.content, canonicalLocator)) {
      if (!recorded.has(locator))
        problems.push(
          `content: the locator ${locator} is acted on but was not recorded by the crawl (assertions may use any locator)`,
        );
    }
  }
  return [...new Set(problems)];
}

/**
 * Runs the automation engineer on one requirement and its test cases
 * (prompt {@link automationPrompt}). The file's `tids` and `locators` are
 * read from its code.
 *
 * @throws AgentOutputError when the answer is invalid twice (schema or
 *   {@link automationProblems}); LlmUnavailableError; BudgetExceededError.
 */
export async function runAutomation(
  ctx: StageContext,
  input: { requirement: Requirement; testCases: readonly TestCase[]; crawl: CrawlFacts | null },
): Promise<PlaywrightFile[]> {
  const promptInput: AutomationInput = {
    requirement: input.requirement,
    testCases: input.testCases,
    crawl: input.crawl,
    path: specPath(input.requirement),
    ...(ctx.instructions ? { instructions: ctx.instructions } : {}),
  };
  const output = await callStructured(
    ctx,
    promptRequest(automationPrompt, {
      stage: 'automation',
      input: promptInput,
      schema: automationOutputSchema,
      schemaName: 'playwright_file',
      maxOutputTokens: AUTOMATION_MAX_OUTPUT_TOKENS,
    }),
    (answer) => automationProblems(answer, promptInput),
  );
  return [
    {
      requirementId: input.requirement.id,
      path: output.path,
      content: output.content,
      tids: tidsInCode(output.content),
      locators: locatorsInCode(output.content),
    },
  ];
}
