import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { getLogger } from '../../shared/logger.ts';
import { buildManifest } from '../../shared/manifests/manifest.service.ts';
import { manifestMessageSchema } from '../../shared/queues/messages.ts';
import { validateRepositorySha } from '../../shared/validation/validate-repository.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const objects = createObjectStore(config);

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
  // Reports may have arrived before the manifest: validate now if they did.
  if (outcome.headSha) {
    await validateRepositorySha(
      {
        db: await getDb(),
        github: getGitHubClient(),
        openObject: (key) => objects.openStream(key),
        publicUrl: config.ASSAY_PUBLIC_URL,
      },
      { repositoryGithubId: message.repositoryGithubId, headSha: outcome.headSha, onlyIfReports: true },
    );
  }
});
