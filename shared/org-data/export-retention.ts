/**
 * Where exports live and how long: constants shared by the export service and
 * the bucket's lifecycle rule (CDK), kept free of imports so infra can read them.
 *
 * @module
 */

/** Bucket prefix of export archives: `exports/{orgId}/{exportId}.zip`. Outside `orgs/`, so no consumer is notified. */
export const EXPORT_PREFIX = 'exports/';
/** Days an export is kept; the bucket's lifecycle rule on {@link EXPORT_PREFIX} removes it then. */
export const EXPORT_RETENTION_DAYS = 7;
