import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { pullRunArtifacts } from '../../shared/ci/pull-artifacts.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { getLogger } from '../../shared/logger.ts';
import { artifactsMessageSchema } from '../../shared/queues/messages.ts';
import { RAW_REPORT_TAG } from '../../shared/reports/retention.ts';
import { validateRepositorySha } from '../../shared/validation/validate-repository.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const objects = createObjectStore(config);

export const handler = queueHandler(artifactsMessageSchema, async (message) => {
  const db = await getDb();
  const github = getGitHubClient();
  const outcome = await pullRunArtifacts(
    {
      db,
      github,
      // Pulled reports are read at once: they expire like processed uploads (lifecycle rule, by tag).
      putObject: (key, bytes, contentType) =>
        objects.putBytes(key, bytes, contentType, { [RAW_REPORT_TAG.key]: RAW_REPORT_TAG.value }),
      deleteObject: (key) => objects.delete(key),
      maxReportBytes: config.ASSAY_REPORT_MAX_BYTES,
      log: (text, attributes) => getLogger().warn(text, attributes),
    },
    message,
  );
  getLogger().info('Artifacts handled', {
    repo: message.repoFullName,
    workflowRunId: message.workflowRunId,
    status: outcome.status,
    reason: outcome.reason,
    artifacts: outcome.artifacts,
  });
  if (outcome.repositoryId !== undefined && outcome.reports.length > 0) {
    const validation = await validateRepositorySha(
      { db, github, openObject: (key) => objects.openStream(key), publicUrl: config.ASSAY_PUBLIC_URL },
      { repositoryId: outcome.repositoryId, headSha: outcome.headSha },
    );
    getLogger().info('Validation updated', { headSha: outcome.headSha, ...validation });
  }
});
