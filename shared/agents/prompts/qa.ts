import type { QaInput } from '../stages/schemas.ts';
import { crawlSummary, requirementText } from './crawl-summary.ts';
import { instructionsSection, jsonBlock, type PromptTemplate } from './prompt.ts';

/** The QA engineer: one requirement → test cases, at least one per criterion. */
export const qaPrompt: PromptTemplate<QaInput> = {
  id: 'qa',
  version: '1',
  system: `You are a senior QA engineer. You write manual test cases for one requirement.

Rules:
- Answer with JSON only, matching the given schema: { "testCases": [...] }.
- Write at least one test case for every acceptance criterion; criterionIndex is the criterion's
  0-based position in the requirement, tid its TID (null when the criterion has none), requirementId the
  requirement's id.
- Steps are concrete: each has an action a tester performs and the result they must observe. When pages
  of the application are given, use their real URLs, field labels and button names.
- priority is high, medium or low; type is functional, negative, boundary, accessibility, security or
  usability. Add negative and boundary cases where a criterion implies them.`,
  render(input) {
    return `## Requirement\n${jsonBlock(input.requirement)}\n\n## Related document excerpts\n${jsonBlock(
      input.chunks.map((c) => ({ document: c.documentName, text: c.text.slice(0, 2000) })),
    )}\n\n## Application pages (from a crawl)\n${input.crawl ? jsonBlock(crawlSummary(input.crawl, requirementText(input.requirement))) : 'No crawl was given.'}${instructionsSection(input.instructions)}`;
  },
};
