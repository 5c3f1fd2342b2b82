import { z } from 'zod';
import { uuid } from '../text/uuid.ts';

/**
 * Message contracts of the queues in the topology. Producers and consumers
 * both parse with these, so a message that does not fit fails loudly.
 */

/** Intake: a stored webhook delivery to process. */
export const intakeMessageSchema = z.object({ deliveryId: z.string().min(1).max(100) });
export type IntakeMessage = z.infer<typeof intakeMessageSchema>;

const repoTarget = {
  installationId: z.number().int().positive(),
  repositoryGithubId: z.number().int().positive(),
  repoFullName: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
};

/** Checklist: (re)generate the checklist of one issue. */
export const checklistMessageSchema = z.object({
  ...repoTarget,
  issueNumber: z.number().int().positive(),
  reason: z.enum(['opened', 'edited', 'reopened', 'regenerate']),
  deliveryId: z.string().optional(),
  jobId: z.string().optional(),
});
export type ChecklistMessage = z.infer<typeof checklistMessageSchema>;

/** Manifest: (re)build the test manifest of one pull request. */
export const manifestMessageSchema = z.object({
  ...repoTarget,
  pullNumber: z.number().int().positive(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  reason: z.enum(['opened', 'synchronize', 'reopened', 'edited', 'revalidate']),
  deliveryId: z.string().optional(),
  jobId: z.string().optional(),
});
export type ManifestMessage = z.infer<typeof manifestMessageSchema>;

/** Validation: re-evaluate the validation of a head SHA (and the pull requests it belongs to). */
export const validationMessageSchema = z.object({
  ...repoTarget,
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  pullNumbers: z.array(z.number().int().positive()),
  reason: z.enum([
    'workflow_run_completed',
    'check_suite_rerequested',
    'check_run_rerequested',
    'revalidate',
    'report',
  ]),
  workflowRunId: z.number().int().positive().optional(),
  deliveryId: z.string().optional(),
});
export type ValidationMessage = z.infer<typeof validationMessageSchema>;

/**
 * Artifacts: a workflow run completed; pull its `assay-*` artifacts' reports
 * (fork-safe: Assay fetches them with its installation token) with their provenance.
 */
export const artifactsMessageSchema = z.object({
  ...repoTarget,
  workflowRunId: z.number().int().positive(),
  runAttempt: z.number().int().positive().default(1),
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  /** `owner/repo` of the head commit (a fork's for a pull request from a fork), when GitHub said. */
  headRepository: z.string().max(300).nullable(),
  /** `.github/workflows/test.yml` (may carry `@ref`), when GitHub said. */
  workflowPath: z.string().max(1000).nullable(),
  workflowName: z.string().max(1000).nullable(),
  /** The event that ran the workflow (`pull_request`, `push` …). */
  event: z.string().max(100).nullable(),
  pullNumbers: z.array(z.number().int().positive()),
  deliveryId: z.string().optional(),
});
export type ArtifactsMessage = z.infer<typeof artifactsMessageSchema>;

/** Exports: build one organisation export. */
export const exportMessageSchema = z.object({ orgId: uuid(), exportId: uuid() });
export type ExportMessage = z.infer<typeof exportMessageSchema>;

/** Deletions: remove one organisation's data (resumable, idempotent). */
export const deletionMessageSchema = z.object({ deletionId: uuid() });
export type DeletionMessage = z.infer<typeof deletionMessageSchema>;

/** Queue names, as in `infra/topology.ts`. */
export const queues = {
  intake: 'intake',
  checklist: 'checklist',
  manifest: 'manifest',
  validation: 'validation',
  artifacts: 'artifacts',
} as const;
