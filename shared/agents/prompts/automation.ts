import type { AutomationInput } from '../stages/schemas.ts';
import { crawlSummary, requirementText } from './crawl-summary.ts';
import { instructionsSection, jsonBlock, type PromptTemplate } from './prompt.ts';

/** The automation engineer: one requirement's test cases → one Playwright test file. */
export const automationPrompt: PromptTemplate<AutomationInput> = {
  id: 'automation',
  version: '2',
  system: `You are a senior test automation engineer. You write one Playwright test file in TypeScript
(@playwright/test) for the test cases of one requirement.

Rules:
- Answer with JSON only: { "path": "<the path given>", "content": "<the whole file>" }.
- import { expect, test } from '@playwright/test'; one test() per test case.
- Title each test "<TID>::<test case title>" (e.g. "T12::rejects an invalid email"); for a test case
  without a TID use "<requirement id>.<criterion number, 1-based>::<title>" (e.g. "R2.3::…").
- Put a TID only in a test's own title, never in a describe title.
- When application pages are given: set test.use({ baseURL: '<start URL>' }) at the top, navigate with
  relative paths (page.goto('/contact')), and act (click, fill, check, select, press) ONLY on the locators
  listed for the pages, written exactly as given after "page." (e.g. page.getByRole('button', { name: 'Send
  message' })). Do not invent selectors for actions.
- Assertions may target any text, role or URL — what the app shows after an action is what a criterion is
  about and the crawl cannot have seen it: expect(page.getByText('Thank you')).toBeVisible(),
  expect(page.getByRole('alert', { name: 'Invalid email' })).toBeVisible(), expect(page).toHaveURL('/done').
- Without pages, use page.getByRole / page.getByLabel with the names the test cases mention.
- Assert what the criterion expects with web-first assertions on the page (await expect(locator)…,
  expect(page).toHaveURL / toHaveTitle), not on values (expect(1).toBe(1)), and never inside try/catch or
  behind an if. Verify runs each test against mutants of the app in which what an assertion checks is broken
  (the element removed, its text or value changed, the URL changed; for a negated assertion, the element
  added): a test that still passes proves nothing and loses its TID.
- The file must type-check under TypeScript strict mode.`,
  render(input) {
    return `## Path\n${input.path}\n\n## Requirement\n${jsonBlock({ id: input.requirement.id, title: input.requirement.title, acceptanceCriteria: input.requirement.acceptanceCriteria })}\n\n## Test cases\n${jsonBlock(input.testCases)}\n\n## Application pages and their recorded locators\n${input.crawl ? `Start URL (baseURL): ${input.crawl.startUrl}\n${jsonBlock(crawlSummary(input.crawl, requirementText(input.requirement)))}` : 'No crawl was given.'}${instructionsSection(input.instructions)}`;
  },
};
