import type { Migration } from 'kysely/migration';
import * as orgsAndTenancy from './2026-11-22T00-00-00_orgs-and-tenancy.ts';
import * as githubIntake from './2026-11-22T01-00-00_github-intake.ts';
import * as identity from './2026-11-22T02-00-00_identity.ts';
import * as checklists from './2026-11-22T03-00-00_checklists.ts';
import * as manifests from './2026-11-22T04-00-00_manifests.ts';
import * as ciUploads from './2026-11-22T05-00-00_ci-uploads.ts';
import * as validation from './2026-11-22T06-00-00_validation.ts';
import * as mergeFlags from './2026-11-22T07-00-00_merge-flags.ts';
import * as codeHealthAndNotifications from './2026-11-22T08-00-00_code-health-and-notifications.ts';
import * as ownerSetsTenantRoles from './2026-11-22T09-00-00_owner-sets-tenant-roles.ts';
import * as hardening from './2026-11-29T01-00-00_hardening.ts';
import * as githubSide from './2026-11-29T02-00-00_github-side.ts';
import * as observabilityIndexes from './2026-11-29T03-00-00_observability-indexes.ts';
import * as documents from './2026-11-29T04-00-00_documents.ts';
import * as crawls from './2026-11-29T05-00-00_crawls.ts';
import * as orgExportAndDeletion from './2026-11-29T06-00-00_org-export-and-deletion.ts';
import * as testAnalytics from './2026-11-29T22-00-00_test-analytics.ts';
import * as agentRuns from './2026-11-29T22-10-00_agent-runs.ts';
import * as agentRunEventSequence from './2026-12-08T03-00-00_agent-run-event-sequence.ts';
import * as testIdentityFilesAndRetries from './2026-12-08T06-00-00_test-identity-files-and-retries.ts';
import * as testLastFailure from './2026-12-08T06-10-00_test-last-failure.ts';
import * as testQuarantine from './2026-12-08T06-20-00_test-quarantine.ts';
import * as ciSettings from './2026-12-08T07-00-00_ci-settings.ts';
import * as pulledReports from './2026-12-08T07-10-00_pulled-reports.ts';
import * as searchUnspacedScripts from './2026-12-08T09-00-00_search-unspaced-scripts.ts';

/**
 * Every migration, in order. A bundled Lambda cannot scan a folder, so new
 * migrations are listed here by hand; names sort in time order.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00-00_orgs-and-tenancy': orgsAndTenancy,
  '2026-11-22T01-00-00_github-intake': githubIntake,
  '2026-11-22T02-00-00_identity': identity,
  '2026-11-22T03-00-00_checklists': checklists,
  '2026-11-22T04-00-00_manifests': manifests,
  '2026-11-22T05-00-00_ci-uploads': ciUploads,
  '2026-11-22T06-00-00_validation': validation,
  '2026-11-22T07-00-00_merge-flags': mergeFlags,
  '2026-11-22T08-00-00_code-health-and-notifications': codeHealthAndNotifications,
  '2026-11-22T09-00-00_owner-sets-tenant-roles': ownerSetsTenantRoles,
  '2026-11-29T01-00-00_hardening': hardening,
  '2026-11-29T02-00-00_github-side': githubSide,
  '2026-11-29T03-00-00_observability-indexes': observabilityIndexes,
  '2026-11-29T04-00-00_documents': documents,
  '2026-11-29T05-00-00_crawls': crawls,
  '2026-11-29T06-00-00_org-export-and-deletion': orgExportAndDeletion,
  '2026-11-29T22-00-00_test-analytics': testAnalytics,
  '2026-11-29T22-10-00_agent-runs': agentRuns,
  '2026-12-08T06-00-00_test-identity-files-and-retries': testIdentityFilesAndRetries,
  '2026-12-08T06-10-00_test-last-failure': testLastFailure,
  '2026-12-08T06-20-00_test-quarantine': testQuarantine,
  '2026-12-08T09-00-00_search-unspaced-scripts': searchUnspacedScripts,
  '2026-12-08T07-00-00_ci-settings': ciSettings,
  '2026-12-08T07-10-00_pulled-reports': pulledReports,
  '2026-12-08T03-00-00_agent-run-event-sequence': agentRunEventSequence,
};
