/**
 * SARIF 2.1.0 (ESLint, CodeQL, Semgrep …) → findings.
 *
 * - Rule: `result.ruleId`, else `result.rule.id`, else the rule the result's
 *   index points at (`ruleIndex` / `rule.index`, in the driver or, with
 *   `rule.toolComponent.index`, in an extension — CodeQL keeps its rules
 *   there); an index that resolves to nothing falls back to the id.
 * - Severity: the `security-severity` property (result, then rule) when
 *   present, read as GitHub does; otherwise the level — `result.level`, else
 *   the rule's `defaultConfiguration.level`, else `warning` (`none` when `kind`
 *   is not `fail`) — mapped error → high, warning → medium, note → low,
 *   none → info.
 * - Left out: results whose `kind` is `pass` or `notApplicable`, results
 *   with an accepted (or status-less) suppression, and results whose
 *   `baselineState` is `absent` (fixed since the baseline). `new`,
 *   `unchanged`, `updated` count, and the finding keeps its state.
 * - Integers: every integer field read (`ruleIndex`, `rule.index`,
 *   `rule.toolComponent.index`, `artifactLocation.index`, `region.startLine`)
 *   accepts any JSON value; one that is not a usable safe integer (`-1`,
 *   `18446744073709551615`, above 2^53) is ignored, never the report. Other
 *   numeric fields of the schema (columns, offsets, `rank`,
 *   `occurrenceCount`, `artifacts[].length`, thread-flow indexes …) are not
 *   read, so no value of theirs can invalidate a report.
 * - `ruleIndex` against `ruleId`: when both are present and name different
 *   rules, the rule whose `id` is `ruleId` decides level, `security-severity`
 *   and message, and the finding records `ruleIndexMismatch`.
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
import { BASELINE_STATES, type BaselineState, type Finding, type Severity } from './types.ts';
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

/**
 * An integer field of the SARIF schema that Assay reads (an index, a line).
 * Tools write values the schema or JavaScript cannot use — `-1` (the
 * schema's own default for "no index"), `18446744073709551615` (a C `size_t`
 * −1, past 2^53 once parsed), `1.5`, `"3"`, `null` — and one such value must
 * not invalidate the whole report: anything that is not a safe integer of at
 * least `min` is read as absent, and the result is kept.
 */
const lenientInt = (min: number) =>
  z
    .unknown()
    .transform((value) =>
      typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : undefined,
    )
    .optional();
/** An index into a SARIF array (`ruleIndex`, `artifactLocation.index` …): ≥ 0, else absent. */
const Index = lenientInt(0);
/** A 1-based line or column: ≥ 1, else absent. */
const LineNumber = lenientInt(1);

const ArtifactLocationSchema = z.object({
  uri: z.string().optional(),
  uriBaseId: z.string().optional(),
  index: Index,
});

const LocationSchema = z.object({
  physicalLocation: z
    .object({
      artifactLocation: ArtifactLocationSchema.optional(),
      region: z.object({ startLine: LineNumber }).optional(),
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
  ruleIndex: Index,
  rule: z
    .object({
      id: z.string().optional(),
      index: Index,
      toolComponent: z.object({ index: Index }).optional(),
    })
    .optional(),
  kind: z.enum(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']).optional(),
  level: Level.optional(),
  message: MessageSchema,
  locations: z.array(LocationSchema).optional(),
  suppressions: z
    .array(z.object({ status: z.enum(['accepted', 'underReview', 'rejected']).optional() }))
    .optional(),
  /** Unknown states (a newer SARIF, a typo) are read as absent rather than refusing the report. */
  baselineState: z
    .unknown()
    .transform((value) =>
      typeof value === 'string' && (BASELINE_STATES as readonly string[]).includes(value)
        ? (value as BaselineState)
        : undefined,
    )
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

/** The rule a result points at, and whether its index and its id disagree. */
interface RuleLookup {
  rule: Rule | undefined;
  /** Set when `ruleIndex` names a rule whose id is not the result's `ruleId`. */
  mismatch?: { ruleIndex: number; ruleIdAtIndex: string };
}

function ruleById(run: Run, id: string): Rule | undefined {
  for (const tool of [run.tool.driver, ...(run.tool.extensions ?? [])]) {
    const byId = tool.rules?.find((rule) => rule.id === id);
    if (byId !== undefined) return byId;
  }
  return undefined;
}

/**
 * The rule of a result. An index (`rule.index` / `ruleIndex`, in the driver
 * or the extension `rule.toolComponent.index` names) that resolves is used
 * when it agrees with the id; when the result also names a rule id
 * (`ruleId` / `rule.id`) and the indexed rule has another id, the id wins
 * (some tools write wrong indexes) and the disagreement is reported. An index
 * that resolves to nothing falls back to the id.
 */
function findRule(run: Run, result: Result): RuleLookup {
  const index = result.rule?.index ?? result.ruleIndex;
  const componentIndex = result.rule?.toolComponent?.index;
  const component = componentIndex === undefined ? run.tool.driver : run.tool.extensions?.[componentIndex];
  const byIndex = index === undefined ? undefined : component?.rules?.[index];
  const id = result.ruleId ?? result.rule?.id;
  if (id === undefined) return { rule: byIndex };
  if (byIndex === undefined || byIndex.id === id) return { rule: byIndex ?? ruleById(run, id) };
  return {
    rule: ruleById(run, id),
    mismatch: { ruleIndex: index ?? 0, ruleIdAtIndex: byIndex.id },
  };
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
): { ok: true; findings: Finding[]; baseline: boolean } | { ok: false; reason: string } {
  const parsed = SarifSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: zodReason(parsed.error, 'invalid SARIF') };
  const findings: Finding[] = [];
  let baseline = false;
  for (const run of parsed.data.runs) {
    for (const result of run.results ?? []) {
      if (result.baselineState !== undefined) baseline = true;
      if (result.kind === 'pass' || result.kind === 'notApplicable' || isSuppressed(result)) continue;
      // Fixed since the baseline: no longer a finding.
      if (result.baselineState === 'absent') continue;
      const { rule, mismatch } = findRule(run, result);
      const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? 'unknown';
      const finding: Finding = {
        rule: ruleId,
        severity: severityOf(result, rule),
        message: clipMessage(messageOf(result, rule, ruleId)),
      };
      if (result.baselineState !== undefined) finding.baselineState = result.baselineState;
      if (mismatch !== undefined) finding.ruleIndexMismatch = mismatch;
      const file = fileOf(run, result);
      if (file !== undefined) finding.file = file;
      const line = result.locations?.[0]?.physicalLocation?.region?.startLine;
      if (line !== undefined) finding.line = line;
      findings.push(finding);
    }
  }
  return { ok: true, findings, baseline };
}
