import { generateChecklist } from '../../shared/checklists/checklist.service.ts';
import { checklistRefiner } from '../../shared/checklists/refiner.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getGitHubClient } from '../../shared/github/github-client.ts';
import { getLogger } from '../../shared/logger.ts';
import { checklistMessageSchema } from '../../shared/queues/messages.ts';
import { queueHandler } from '../kit/queue-handler.ts';

export const handler = queueHandler(checklistMessageSchema, async (message) => {
  const outcome = await generateChecklist(
    { db: await getDb(), github: getGitHubClient(), refine: await checklistRefiner() },
    message,
  );
  getLogger().info('Checklist handled', {
    repo: message.repoFullName,
    issue: message.issueNumber,
    reason: message.reason,
    ...outcome,
  });
});
