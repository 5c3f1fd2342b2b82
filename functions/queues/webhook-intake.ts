import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { createWorkflowStarter } from '../../shared/adapters/workflow-starter.ts';
import { decideFromGitHubComment, githubRunCommentSync } from '../../shared/agents/agent-run-github.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';
import { intakeMessageSchema } from '../../shared/queues/messages.ts';
import { processDelivery } from '../../shared/webhooks/intake.service.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const publisher = createQueuePublisher(config);
const objects = createObjectStore(config);
const workflow = createWorkflowStarter(config);

export const handler = queueHandler(intakeMessageSchema, async ({ deliveryId }, ctx) => {
  const result = await processDelivery(
    {
      db: await getDb(),
      publisher,
      objects,
      leaseSeconds: 120,
      permissionOf: async (ref, username) => {
        if (!config.ASSAY_GITHUB_APP_ID) return undefined;
        // Only commands need GitHub; most deliveries never load the client.
        const { getGitHubClient } = await import('../../shared/github/github-client.ts');
        const client = getGitHubClient();
        return client.getCollaboratorPermission(ref, username);
      },
      decideAgentApproval: async (command) => {
        const db = await getDb();
        const { getGitHubClient } = await import('../../shared/github/github-client.ts');
        // The marked approval comment is edited in place once the stage is decided.
        const onChanged = config.ASSAY_GITHUB_APP_ID
          ? githubRunCommentSync({ db, github: getGitHubClient, publicUrl: config.ASSAY_PUBLIC_URL })
          : undefined;
        return decideFromGitHubComment({ db, workflow, ...(onChanged ? { onChanged } : {}) }, command);
      },
      forgetInstallation: (installationId) => {
        if (!config.ASSAY_GITHUB_APP_ID) return;
        // Only a client already loaded in this process can hold a token.
        void import('../../shared/github/github-client.ts').then(({ getGitHubClient }) =>
          getGitHubClient().forgetInstallation(installationId),
        );
      },
    },
    deliveryId,
  );
  getLogger().info('Delivery handled', { deliveryId, result, receiveCount: ctx.receiveCount });
});
