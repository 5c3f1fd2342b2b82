/**
 * The analyst stage (issue 18, stage 1): the issues' checklists and the
 * retrieved document chunks → requirements.
 *
 * @module
 */
import type { AnalystIssue, Requirement, RetrievedChunk, StageContext } from '../agents.types.ts';
import { callStructured } from '../llm/call.ts';
import { analystPrompt } from '../prompts/analyst.ts';
import { promptRequest } from '../prompts/prompt.ts';
import { type AnalystInput, type AnalystOutput, analystOutputSchema } from './schemas.ts';

/** Largest answer the analyst may write, in tokens. */
export const ANALYST_MAX_OUTPUT_TOKENS = 16_000;
const MAX_QUERY_CHARS = 500;

/**
 * The queries the orchestrator runs through hybrid search for the analyst:
 * per issue its title, and its title with each criterion (so chunks about
 * one criterion rank too); deduplicated, each at most 500 characters, in
 * issue order. Pure.
 */
export function analystSearchQueries(issues: readonly AnalystIssue[]): string[] {
  const out = new Set<string>();
  for (const issue of issues) {
    const title = issue.title.replace(/\s+/g, ' ').trim();
    if (title) out.add(title.slice(0, MAX_QUERY_CHARS));
    for (const criterion of issue.criteria) {
      const query = `${title} ${criterion.text.replace(/\s+/g, ' ').trim()}`.trim();
      if (query) out.add(query.slice(0, MAX_QUERY_CHARS));
    }
  }
  return [...out];
}

/**
 * The problems of an analyst answer beyond its schema: requirement ids not
 * `R1…Rn` in order; a TID no input issue has, or one an issue has that no
 * requirement kept; a source citing an issue, TID or chunk that is not in the
 * input. Empty when good.
 */
export function analystProblems(output: AnalystOutput, input: AnalystInput): string[] {
  const problems: string[] = [];
  const tids = new Map<string, number>();
  for (const issue of input.issues) for (const c of issue.criteria) tids.set(c.tid, issue.number);
  const chunks = new Set(input.chunks.map((c) => `${c.documentId}/${c.chunkId}`));
  const kept = new Set<string>();
  output.requirements.forEach((requirement, i) => {
    if (requirement.id !== `R${i + 1}`)
      problems.push(`requirements.${i}.id: expected R${i + 1}, got ${requirement.id}`);
    requirement.acceptanceCriteria.forEach((criterion, j) => {
      if (criterion.tid === null) return;
      if (!tids.has(criterion.tid))
        problems.push(
          `requirements.${i}.acceptanceCriteria.${j}.tid: ${criterion.tid} is not a criterion of the given issues (use null for a proposed criterion)`,
        );
      kept.add(criterion.tid);
    });
    requirement.sources.forEach((source, j) => {
      if ('chunkId' in source) {
        if (!chunks.has(`${source.documentId}/${source.chunkId}`))
          problems.push(
            `requirements.${i}.sources.${j}: chunk ${source.chunkId} of document ${source.documentId} is not among the given excerpts`,
          );
      } else if (tids.get(source.tid) !== source.issue) {
        problems.push(
          `requirements.${i}.sources.${j}: issue #${source.issue} has no criterion ${source.tid}`,
        );
      }
    });
  });
  for (const tid of tids.keys()) {
    if (!kept.has(tid))
      problems.push(
        `criterion ${tid} of issue #${tids.get(tid)} is missing: keep every issue criterion with its TID`,
      );
  }
  return problems;
}

/**
 * Runs the analyst on `input` with `ctx.llm` (prompt {@link analystPrompt}):
 * requirements whose criteria keep the issues' TIDs (every one of them),
 * proposed criteria without a TID, sources citing only the given issues'
 * TIDs and the given chunks.
 *
 * @throws AgentOutputError when the answer is invalid twice (schema or the
 *   checks of {@link analystProblems}); LlmUnavailableError; BudgetExceededError.
 */
export async function runAnalyst(
  ctx: StageContext,
  input: { issues: readonly AnalystIssue[]; chunks: readonly RetrievedChunk[] },
): Promise<Requirement[]> {
  const promptInput: AnalystInput = {
    issues: input.issues,
    chunks: input.chunks,
    ...(ctx.instructions ? { instructions: ctx.instructions } : {}),
  };
  const output = await callStructured(
    ctx,
    promptRequest(analystPrompt, {
      stage: 'analyst',
      input: promptInput,
      schema: analystOutputSchema,
      schemaName: 'requirements',
      maxOutputTokens: ANALYST_MAX_OUTPUT_TOKENS,
    }),
    (answer) => analystProblems(answer, promptInput),
  );
  return output.requirements.map((r) => ({
    ...r,
    acceptanceCriteria: r.acceptanceCriteria.map((c) =>
      c.tid === null ? { text: c.text } : { text: c.text, tid: c.tid },
    ),
  }));
}
