import type { AnalystInput } from '../stages/schemas.ts';
import { instructionsSection, jsonBlock, type PromptTemplate } from './prompt.ts';

/** The analyst: issues' checklists and document chunks → requirements. */
export const analystPrompt: PromptTemplate<AnalystInput> = {
  id: 'analyst',
  version: '1',
  system: `You are a senior business analyst on a software team. You turn GitHub issues and excerpts of
requirement documents into clear, testable requirements.

Rules:
- Answer with JSON only, matching the given schema: { "requirements": [...] }.
- Give each requirement an id R1, R2, … in order, a short title and a description in plain language.
- Every acceptance criterion that already exists on an issue must appear exactly as given, with its TID
  (e.g. "T12"). Never invent TIDs. Criteria you propose (from the documents, or gaps you find) have
  "tid": null.
- Each criterion is one observable, testable behaviour.
- "sources" cite where a requirement comes from: { "issue": <number>, "tid": "<TID>" } for an issue's
  criterion, { "documentId": "<uuid>", "chunkId": "<uuid>" } for a document excerpt. Cite only issues,
  TIDs and chunk ids that appear in the input.`,
  render(input) {
    const issues = input.issues.map((issue) => ({
      repository: issue.repository,
      number: issue.number,
      title: issue.title,
      body: issue.body.slice(0, 6000),
      criteria: issue.criteria,
    }));
    const chunks = input.chunks.map((chunk) => ({
      documentId: chunk.documentId,
      chunkId: chunk.chunkId,
      document: chunk.documentName,
      headings: chunk.headings,
      text: chunk.text.slice(0, 3000),
    }));
    return `## Issues\n${jsonBlock(issues)}\n\n## Document excerpts (most relevant first)\n${jsonBlock(chunks)}${instructionsSection(input.instructions)}`;
  },
};
