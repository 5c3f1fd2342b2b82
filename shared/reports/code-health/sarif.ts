/**
 * SARIF 2.1.0 (ESLint, CodeQL, Semgrep …) → findings.
 *
 * - Rule: `result.ruleId`, else `result.rule.id`, else the rule the result's
 *   index points at (`ruleIndex` / `rule.index`, in the driver or, with
 *   `rule.toolComponent.index`, in an extension — CodeQL keeps its rules there).
 * - Severity: the `security-severity` property (result, then rule) when
 *   present, read as GitHub does; otherwise the level — `result.level`, else
 *   the rule's `defaultConfiguration.level`, else `warning` (`none` when `kind`
 *   is not `fail`) — mapped error → high, warning → medium, note → low,
 *   none → info.
 * - Left out: results whose `kind` is `pass` or `notApplicable`, and results
 *   with an accepted (or status-less) suppression.
 * - Location: the first location's artifact URI, made repository-relative
 *   where it can be (`../repository-path.ts`: checkout roots, `file://`,
 *   `uriBaseId` through `run.originalUriBaseIds`; otherwise as written, percent
 *   escapes decoded; `artifactLocation.index` resolved through `run.artifacts`)
 *   and `region.startLine`.
 * - Message: `message.text` (or `markdown`, or the rule's `messageStrings[id]`)
 *   with `{0}` placeholders filled from `message.arguments`.
 *
 * @module
 */
import { z } from 'zod';
import { repositoryPath } from '../repository-path.ts';
import { clipMessage } from './code-health-json.ts';
import { SARIF_LEVEL_SEVERITY, severityFromSecurityScore } from './severity.ts';
import type { Finding, Severity } from './types.ts';
import { zodReason } from './zod-reason.ts';

const Level = z.enum(['none', 'note', 'warning', 'error']);
type Level = z.infer<typeof Level>;
const Properties = z.record(z.string(), z.unknown());

const MessageSchema = z.object({
  text: z.string().optional(),
  markdown: z.string().optional(),
  id: z.string().optional(),
  arguments: z.array(z.string()).optional(),
});

const ArtifactLocationSchema = z.object({
  uri: z.string().optional(),
  uriBaseId: z.string().optional(),
  index: z.number().int().min(0).optional(),
});

const LocationSchema = z.object({
  physicalLocation: z
    .object({
      artifactLocation: ArtifactLocationSchema.optional(),
      region: z.object({ startLine: z.number().int().optional() }).optional(),
    })
    .optional(),
});

const RuleSchema = z.object({
  id: z.string(),
  defaultConfiguration: z.object({ level: Level.optional() }).optional(),
  properties: Properties.optional(),
  shortDescription: z.object({ text: z.string().optional() }).optional(),
  messageStrings: z.record(z.string(), z.object({ text: z.string().optional() })).optional(),
});
type Rule = z.infer<typeof RuleSchema>;

const ToolComponentSchema = z.object({ name: z.string().optional(), rules: z.array(RuleSchema).optional() });

const ResultSchema = z.object({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().optional(),
  rule: z
    .object({
      id: z.string().optional(),
      index: z.number().int().optional(),
      toolComponent: z.object({ index: z.number().int().optional() }).optional(),
    })
    .optional(),
  kind: z.enum(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']).optional(),
  level: Level.optional(),
  message: MessageSchema,
  locations: z.array(LocationSchema).optional(),
  suppressions: z
    .array(z.object({ status: z.enum(['accepted', 'underReview', 'rejected']).optional() }))
    .optional(),
  properties: Properties.optional(),
});
type Result = z.infer<typeof ResultSchema>;

const RunSchema = z.object({
  tool: z.object({ driver: ToolComponentSchema, extensions: z.array(ToolComponentSchema).optional() }),
  results: z.array(ResultSchema).nullish(),
  artifacts: z.array(z.object({ location: ArtifactLocationSchema.optional() })).optional(),
  originalUriBaseIds: z.record(z.string(), z.object({ uri: z.string().optional() })).optional(),
});
type Run = z.infer<typeof RunSchema>;

/** The zod schema of the parts of a SARIF 2.1.0 log that findings need (other keys are ignored). */
export const SarifSchema = z.object({
  version: z.literal('2.1.0', { message: 'only SARIF version 2.1.0 is supported' }),
  $schema: z.string().optional(),
  runs: z.array(RunSchema),
});

/** `true` when a JSON value claims to be SARIF (so its errors are reported as SARIF errors). */
export function looksLikeSarif(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const schema = (json as { $schema?: unknown }).$schema;
  return 'runs' in json || (typeof schema === 'string' && /sarif/i.test(schema));
}

function findRule(run: Run, result: Result): Rule | undefined {
  const index = result.rule?.index ?? result.ruleIndex;
  const componentIndex = result.rule?.toolComponent?.index;
  const component = componentIndex === undefined ? run.tool.driver : run.tool.extensions?.[componentIndex];
  if (index !== undefined && index >= 0) {
    const byIndex = component?.rules?.[index];
    if (byIndex !== undefined) return byIndex;
  }
  const id = result.ruleId ?? result.rule?.id;
  if (id === undefined) return undefined;
  for (const tool of [run.tool.driver, ...(run.tool.extensions ?? [])]) {
    const byId = tool.rules?.find((rule) => rule.id === id);
    if (byId !== undefined) return byId;
  }
  return undefined;
}

function severityOf(result: Result, rule: Rule | undefined): Severity {
  const security =
    severityFromSecurityScore(result.properties?.['security-severity']) ??
    severityFromSecurityScore(rule?.properties?.['security-severity']);
  if (security !== undefined) return security;
  const kind = result.kind ?? 'fail';
  const level: Level =
    result.level ??
    (kind === 'fail' ? rule?.defaultConfiguration?.level : undefined) ??
    (kind === 'fail' ? 'warning' : 'none');
  return SARIF_LEVEL_SEVERITY[level];
}

function messageOf(result: Result, rule: Rule | undefined, ruleId: string): string {
  const { message } = result;
  const template =
    message.text ??
    message.markdown ??
    (message.id === undefined ? undefined : rule?.messageStrings?.[message.id]?.text) ??
    rule?.shortDescription?.text ??
    ruleId;
  const args = message.arguments ?? [];
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => args[Number(i)] ?? whole);
}

function fileOf(run: Run, result: Result): string | undefined {
  const artifact = result.locations?.[0]?.physicalLocation?.artifactLocation;
  if (artifact === undefined) return undefined;
  const indexed = artifact.index === undefined ? undefined : run.artifacts?.[artifact.index]?.location;
  const uri = artifact.uri ?? indexed?.uri;
  if (uri === undefined || uri === '') return undefined;
  const baseId = artifact.uriBaseId ?? indexed?.uriBaseId;
  const base = baseId === undefined ? undefined : run.originalUriBaseIds?.[baseId]?.uri;
  // Repository-relative when it can be (checkout roots, `file://`, `uriBaseId`s); otherwise as written.
  const mapped = repositoryPath(uri, base === undefined ? {} : { base });
  if (mapped !== undefined) return mapped;
  const path = uri.replace(/^file:\/\//, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function isSuppressed(result: Result): boolean {
  return (result.suppressions ?? []).some((s) => s.status === undefined || s.status === 'accepted');
}

/** Findings of an already JSON-parsed SARIF log, or the reason it is not one. */
export function findingsFromSarif(
  json: unknown,
): { ok: true; findings: Finding[] } | { ok: false; reason: string } {
  const parsed = SarifSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: zodReason(parsed.error, 'invalid SARIF') };
  const findings: Finding[] = [];
  for (const run of parsed.data.runs) {
    for (const result of run.results ?? []) {
      if (result.kind === 'pass' || result.kind === 'notApplicable' || isSuppressed(result)) continue;
      const rule = findRule(run, result);
      const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? 'unknown';
      const finding: Finding = {
        rule: ruleId,
        severity: severityOf(result, rule),
        message: clipMessage(messageOf(result, rule, ruleId)),
      };
      const file = fileOf(run, result);
      if (file !== undefined) finding.file = file;
      const line = result.locations?.[0]?.physicalLocation?.region?.startLine;
      if (line !== undefined && line > 0) finding.line = line;
      findings.push(finding);
    }
  }
  return { ok: true, findings };
}
