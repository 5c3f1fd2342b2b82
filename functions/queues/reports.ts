import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { getLogger } from '../../shared/logger.ts';
import { RAW_REPORT_TAG } from '../../shared/reports/retention.ts';
import { handleUploadedObject, s3EventSchema } from '../../shared/validation/report-intake.service.ts';
import { validateRepositorySha } from '../../shared/validation/validate-repository.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const objects = createObjectStore(config);

export const handler = queueHandler(s3EventSchema, async (event) => {
  const db = await getDb();
  const log = (message: string, attributes: Record<string, unknown>) => getLogger().warn(message, attributes);
  for (const record of event.Records) {
    if (!record.eventName.startsWith('ObjectCreated')) continue;
    const outcome = await handleUploadedObject(
      {
        db,
        openObject: (key) => objects.openVersion(key),
        deleteObject: (key) => objects.delete(key),
        maxBytes: config.ASSAY_REPORT_MAX_BYTES,
        log,
      },
      record,
    );
    getLogger().info('Report handled', { ...outcome });
    if (
      outcome.status !== 'discarded' &&
      outcome.status !== 'overwrite_rejected' &&
      outcome.status !== 'ignored'
    ) {
      // Its results are stored: the raw report may now expire (bucket lifecycle rule, by tag).
      await objects.tag(outcome.key, { [RAW_REPORT_TAG.key]: RAW_REPORT_TAG.value });
    }
    if (outcome.status === 'processed' || outcome.status === 'invalid' || outcome.status === 'rejected') {
      const validation = await validateRepositorySha(
        {
          db,
          github: getGitHubClient(),
          openObject: (key) => objects.openStream(key),
          publicUrl: config.ASSAY_PUBLIC_URL,
        },
        { repositoryId: outcome.repositoryId, headSha: outcome.headSha },
      );
      getLogger().info('Validation updated', { headSha: outcome.headSha, ...validation });
    }
  }
});
