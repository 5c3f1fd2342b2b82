/**
 * Code-health reports (SPEC §4): `code_health.json` and SARIF 2.1.0 → findings
 * by severity → a 0–100 score (formula in `README.md`), compared with the base
 * branch.
 *
 * @module
 */
export { CodeHealthJsonSchema, MAX_FINDING_MESSAGE } from './code-health-json.ts';
export {
  DEFAULT_CODE_HEALTH_MAX_BYTES,
  type ParseCodeHealthOptions,
  parseCodeHealth,
  parseCodeHealthJson,
  parseCodeHealthStream,
  parseSarif,
} from './parse.ts';
export { SarifSchema } from './sarif.ts';
export {
  compareScores,
  computeScore,
  type ScoreComparison,
  SEVERITY_WEIGHTS,
  scoreFindings,
} from './score.ts';
export {
  countBySeverity,
  emptyCounts,
  SARIF_LEVEL_SEVERITY,
  severityFromSecurityScore,
  severityFromWord,
} from './severity.ts';
export {
  type CodeHealthFormat,
  type CodeHealthInvalidResult,
  type CodeHealthResult,
  type CodeHealthValidResult,
  type Finding,
  SEVERITIES,
  type Severity,
  type SeverityCounts,
} from './types.ts';
