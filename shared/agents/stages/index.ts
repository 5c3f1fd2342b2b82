/**
 * The agents of a run (issue 18), one function per stage, and what the
 * orchestration needs beside them.
 *
 * @module
 */
export { PROMPT_VERSIONS } from '../prompts/index.ts';
export { analystProblems, analystSearchQueries, runAnalyst } from './analyst.ts';
export { automationProblems, runAutomation } from './automation.ts';
export { crawlFactsFromPages, crawlLocators } from './crawl-facts.ts';
export { specPath, testTag, testTitle } from './naming.ts';
export { qaProblems, runQa } from './qa.ts';
