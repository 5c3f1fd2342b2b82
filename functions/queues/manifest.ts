import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { getLogger } from '../../shared/logger.ts';
import { buildManifest } from '../../shared/manifests/manifest.service.ts';
import { manifestMessageSchema } from '../../shared/queues/messages.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();

export const handler = queueHandler(manifestMessageSchema, async (message) => {
  const outcome = await buildManifest(
    {
      db: await getDb(),
      github: getGitHubClient(),
      webUrl: config.ASSAY_GITHUB_WEB_URL,
      publicUrl: config.ASSAY_PUBLIC_URL,
    },
    message,
  );
  getLogger().info('Manifest handled', { repo: message.repoFullName, pull: message.pullNumber, ...outcome });
});
