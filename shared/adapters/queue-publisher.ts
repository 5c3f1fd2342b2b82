import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config.ts';
import { queueUrlVariable } from '../config.ts';
import { getDb } from '../db/connection.ts';
import { sendLocalMessage } from './local-queue-store.ts';

/** Sends JSON messages to a queue named in the topology. */
export interface QueuePublisher {
  send(queue: string, message: unknown, options?: { delaySeconds?: number }): Promise<void>;
}

/** SQS publisher: the queue URL comes from `ASSAY_QUEUE_URL_<NAME>`, set by the stack from `uses`. */
export function createSqsPublisher(
  config: Config,
  client = new SQSClient({ region: config.AWS_REGION }),
): QueuePublisher {
  return {
    async send(queue, message, options = {}) {
      const key = queueUrlVariable(queue).replace('ASSAY_QUEUE_URL_', '');
      const url = config.queueUrls[key];
      if (!url) throw new Error(`No URL configured for queue ${queue} (${queueUrlVariable(queue)})`);
      await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(message),
          DelaySeconds: options.delaySeconds,
        }),
      );
    },
  };
}

/** Local publisher: writes into the durable local queues the local runtime pumps. */
export function createLocalPublisher(): QueuePublisher {
  return {
    async send(queue, message, options = {}) {
      await sendLocalMessage(await getDb(), queue, JSON.stringify(message), options);
    },
  };
}

/** The publisher for this runtime. */
export function createQueuePublisher(config: Config): QueuePublisher {
  return config.ASSAY_RUNTIME === 'aws' ? createSqsPublisher(config) : createLocalPublisher();
}
