import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { getDb } from '../db/connection.ts';

/**
 * Checks the queues are reachable: every configured SQS queue answers
 * GetQueueAttributes on AWS; the local queue table answers locally.
 */
export function createQueueProbe(config: Config): () => Promise<void> {
  if (config.ASSAY_RUNTIME === 'aws') {
    const client = new SQSClient({ region: config.AWS_REGION });
    return async () => {
      await Promise.all(
        Object.values(config.queueUrls).map((url) =>
          client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })),
        ),
      );
    };
  }
  return async () => {
    await sql`select 1 from assay_local.queue_messages limit 1`.execute(await getDb());
  };
}
