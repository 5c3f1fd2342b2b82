/**
 * CTRF (Common Test Report Format) reports: {@link parseCtrf} reads one into
 * the per-test records JUnit gives, so both share validation and analytics.
 *
 * @module
 */
export { type CtrfTest, ctrfTestCase, looksLikeCtrf, type ParseCtrfOptions, parseCtrf } from './parse.ts';
