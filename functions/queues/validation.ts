import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { getLogger } from '../../shared/logger.ts';
import { validationMessageSchema } from '../../shared/queues/messages.ts';
import { validateRepositorySha } from '../../shared/validation/validate-repository.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const objects = createObjectStore(config);

export const handler = queueHandler(validationMessageSchema, async (message) => {
  const outcome = await validateRepositorySha(
    {
      db: await getDb(),
      github: getGitHubClient(),
      openObject: (key) => objects.openStream(key),
      publicUrl: config.ASSAY_PUBLIC_URL,
    },
    {
      repositoryGithubId: message.repositoryGithubId,
      headSha: message.headSha,
    },
  );
  getLogger().info('Validation handled', {
    repo: message.repoFullName,
    headSha: message.headSha,
    reason: message.reason,
    ...outcome,
  });
});
