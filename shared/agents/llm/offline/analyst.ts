/**
 * The offline analyst: one requirement per issue with the issue's criteria
 * (TIDs kept) and up to two criteria proposed from the document chunks that
 * share the most words with the issue; with documents only, one requirement
 * per document from its requirement sentences.
 *
 * @module
 */
import type { RequirementSource, RetrievedChunk } from '../../agents.types.ts';
import type { AnalystInput, AnalystOutput } from '../../stages/schemas.ts';
import { clip, clipBlock, isRequirementSentence, sentences, similarity } from './text.ts';

type OutRequirement = AnalystOutput['requirements'][number];
const MAX_PROPOSED = 2;
const MAX_RELATED = 3;

function plainBody(body: string): string {
  return body
    .split('\n')
    .filter((line) => !/^\s*[-*+]\s*\[[ xX]\]/.test(line) && !/^\s*#/.test(line))
    .join('\n')
    .trim();
}

function related(about: string, chunks: readonly RetrievedChunk[]): RetrievedChunk[] {
  return chunks
    .map((chunk) => ({ chunk, sim: similarity(about, `${chunk.headings.join(' ')} ${chunk.text}`) }))
    .filter((x) => x.sim > 0.15)
    .sort((a, b) => b.sim - a.sim || b.chunk.score - a.chunk.score)
    .slice(0, MAX_RELATED)
    .map((x) => x.chunk);
}

/** Requirement sentences of `chunks` not already said by `existing`. */
function proposals(chunks: readonly RetrievedChunk[], existing: readonly string[], max: number) {
  const out: { text: string; chunk: RetrievedChunk }[] = [];
  for (const chunk of chunks) {
    for (const sentence of sentences(chunk.text)) {
      if (out.length >= max) return out;
      if (!isRequirementSentence(sentence)) continue;
      const said = [...existing, ...out.map((o) => o.text)];
      if (said.some((s) => similarity(sentence, s) >= 0.6 || similarity(s, sentence) >= 0.6)) continue;
      out.push({ text: clip(sentence, 500), chunk });
    }
  }
  return out;
}

function chunkSource(chunk: RetrievedChunk): RequirementSource {
  return { documentId: chunk.documentId, chunkId: chunk.chunkId };
}

function uniqueSources(sources: RequirementSource[]): RequirementSource[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The analyst's answer for `input`, derived from it alone. */
export function offlineAnalyst(input: AnalystInput): AnalystOutput {
  const requirements: OutRequirement[] = [];
  const proposedSoFar: string[] = [];
  for (const issue of input.issues) {
    const about = `${issue.title}\n${issue.criteria.map((c) => c.text).join('\n')}`;
    const chunks = related(about, input.chunks);
    // Not proposed twice: neither what this issue says nor what another requirement already proposes.
    const proposed = proposals(
      chunks,
      [...issue.criteria.map((c) => c.text), ...proposedSoFar],
      issue.criteria.length === 0 ? MAX_PROPOSED + 1 : MAX_PROPOSED,
    );
    proposedSoFar.push(...proposed.map((p) => p.text));
    const criteria = [
      ...issue.criteria.map((c) => ({ text: clip(c.text, 2000), tid: c.tid })),
      ...proposed.map((p) => ({ text: p.text, tid: null })),
    ];
    if (criteria.length === 0) criteria.push({ text: clip(issue.title, 2000), tid: null });
    const body = plainBody(issue.body);
    const context = chunks.map((c) => `- ${c.documentName}: ${clip(sentences(c.text)[0] ?? c.text, 240)}`);
    requirements.push({
      id: `R${requirements.length + 1}`,
      title: clip(issue.title, 300),
      description: clipBlock(
        [
          body ? clipBlock(body, 1200) : `From ${issue.repository}#${issue.number}.`,
          context.length > 0 ? `Related documents:\n${context.join('\n')}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
        8000,
      ),
      acceptanceCriteria: criteria,
      sources: uniqueSources([
        ...issue.criteria.map((c) => ({ issue: issue.number, tid: c.tid })),
        ...proposed.map((p) => chunkSource(p.chunk)),
        ...chunks.map(chunkSource),
      ]),
    });
  }
  if (input.issues.length === 0) {
    const byDocument = new Map<string, RetrievedChunk[]>();
    for (const chunk of input.chunks)
      byDocument.set(chunk.documentId, [...(byDocument.get(chunk.documentId) ?? []), chunk]);
    for (const chunks of byDocument.values()) {
      const first = chunks[0]!;
      const proposed = proposals(chunks, [], 5);
      const fallback = sentences(first.text)[0] ?? (first.text.trim() || first.documentName);
      requirements.push({
        id: `R${requirements.length + 1}`,
        title: clip(first.headings[0] ?? first.documentName, 300),
        description: clipBlock(chunks.map((c) => c.text).join('\n\n'), 1500),
        acceptanceCriteria:
          proposed.length > 0
            ? proposed.map((p) => ({ text: p.text, tid: null }))
            : [{ text: clip(fallback, 2000), tid: null }],
        sources: uniqueSources(chunks.map(chunkSource)),
      });
    }
  }
  return { requirements };
}
