/**
 * `code_health.json`: `{ "findings": [{ rule, severity, file, line, message }] }`,
 * the format a team's own scripts write.
 *
 * @module
 */
import { z } from 'zod';
import { truncateText } from '../truncate.ts';
import { severityFromWord } from './severity.ts';
import type { Finding, Severity } from './types.ts';
import { zodReason } from './zod-reason.ts';

/** Longest message kept per finding. */
export const MAX_FINDING_MESSAGE = 2000;

const SeveritySchema = z
  .string()
  .refine((word) => severityFromWord(word) !== undefined, {
    message:
      'unknown severity (use critical, high, medium, low or info; error, warning, note are accepted too)',
  })
  .transform((word): Severity => severityFromWord(word) ?? 'info');

const FindingSchema = z.object({
  rule: z.string().trim().min(1),
  severity: SeveritySchema,
  file: z.string().nullish(),
  line: z.number().int().min(0).nullish(),
  message: z.string(),
});

/** The zod schema of `code_health.json` (unknown extra keys are ignored). */
export const CodeHealthJsonSchema = z.object({ findings: z.array(FindingSchema) });

/** Trims and cuts a message to {@link MAX_FINDING_MESSAGE} characters. */
export function clipMessage(message: string): string {
  return truncateText(message, MAX_FINDING_MESSAGE) ?? '';
}

/** Findings of an already JSON-parsed `code_health.json`, or the reason it is not one. */
export function findingsFromCodeHealthJson(
  json: unknown,
): { ok: true; findings: Finding[] } | { ok: false; reason: string } {
  const parsed = CodeHealthJsonSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: zodReason(parsed.error, 'invalid code_health.json') };
  const findings = parsed.data.findings.map((f): Finding => {
    const finding: Finding = { rule: f.rule, severity: f.severity, message: clipMessage(f.message) };
    if (f.file !== undefined && f.file !== null && f.file !== '') finding.file = f.file;
    if (f.line !== undefined && f.line !== null && f.line > 0) finding.line = f.line;
    return finding;
  });
  return { ok: true, findings };
}
