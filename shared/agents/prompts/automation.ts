import type { AutomationInput } from '../stages/schemas.ts';
import { crawlSummary, requirementText } from './crawl-summary.ts';
import { instructionsSection, jsonBlock, type PromptTemplate } from './prompt.ts';

/** The automation engineer: one requirement's test cases → one Playwright test file. */
export const automationPrompt: PromptTemplate<AutomationInput> = {
  id: 'automation',
  version: '1',
  system: `You are a senior test automation engineer. You write one Playwright test file in TypeScript
(@playwright/test) for the test cases of one requirement.

Rules:
- Answer with JSON only: { "path": "<the path given>", "content": "<the whole file>" }.
- import { expect, test } from '@playwright/test'; one test() per test case.
- Title each test "<TID>::<test case title>" (e.g. "T12::rejects an invalid email"); for a test case
  without a TID use "<requirement id>.<criterion number, 1-based>::<title>" (e.g. "R2.3::…").
- When application pages are given: set test.use({ baseURL: '<start URL>' }) at the top, navigate with
  relative paths (page.goto('/contact')), and use ONLY the locators listed for the pages, written exactly as
  given after "page." (e.g. page.getByRole('button', { name: 'Send message' })). Do not invent selectors.
- Without pages, use page.getByRole / page.getByLabel with the names the test cases mention.
- Assert what the steps expect with web-first assertions (await expect(...).toBeVisible(), toHaveURL, …).
- The file must type-check under TypeScript strict mode.`,
  render(input) {
    return `## Path\n${input.path}\n\n## Requirement\n${jsonBlock({ id: input.requirement.id, title: input.requirement.title, acceptanceCriteria: input.requirement.acceptanceCriteria })}\n\n## Test cases\n${jsonBlock(input.testCases)}\n\n## Application pages and their recorded locators\n${input.crawl ? `Start URL (baseURL): ${input.crawl.startUrl}\n${jsonBlock(crawlSummary(input.crawl, requirementText(input.requirement)))}` : 'No crawl was given.'}${instructionsSection(input.instructions)}`;
  },
};
