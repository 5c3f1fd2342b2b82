import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { getLogger } from '../../shared/logger.ts';

/** Thrown for a message whose body is not the queue's schema; it fails only that message. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/**
 * SQS's partial batch response, plus each failed message's own error by
 * message id. SQS reads only `batchItemFailures`; the local queue engine keeps
 * `failureReasons` as the message's `lastError` (what the dead-letter listing shows).
 */
export type QueueBatchResponse = SQSBatchResponse & { failureReasons?: Record<string, string> };

export type QueueRouteHandler = (event: SQSEvent, context: Context) => Promise<QueueBatchResponse>;

export interface MessageContext {
  record: SQSRecord;
  /** How many times SQS has delivered this message (1 on the first try). */
  receiveCount: number;
  messageId: string;
}

function parseRecord<S extends z.ZodType>(schema: S, record: SQSRecord): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidMessageError(`Message ${record.messageId} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidMessageError(
      `Message ${record.messageId} does not match the queue schema: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/**
 * Wraps a consumer as an SQS handler with partial batch responses (Powertools
 * BatchProcessor): each record is parsed with `schema` and handled on its own;
 * a thrown error fails only that record, which SQS retries and finally moves
 * to the dead-letter queue. Consumers must be idempotent.
 */
export function queueHandler<S extends z.ZodType>(
  schema: S,
  fn: (message: z.output<S>, ctx: MessageContext) => Promise<void>,
): QueueRouteHandler {
  const processor = new BatchProcessor(EventType.SQS);
  const base = async (event: SQSEvent, context: Context): Promise<QueueBatchResponse> => {
    const failureReasons: Record<string, string> = {};
    const record = async (item: SQSRecord): Promise<void> => {
      const logger = getLogger();
      const receiveCount = Number(item.attributes.ApproximateReceiveCount ?? '1');
      try {
        const message = parseRecord(schema, item);
        await fn(message, { record: item, receiveCount, messageId: item.messageId });
      } catch (error) {
        logger.warn('Message failed', { messageId: item.messageId, receiveCount, error: error as Error });
        failureReasons[item.messageId] =
          error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw error;
      }
    };
    const response = await processPartialResponse(event, record, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    return Object.keys(failureReasons).length > 0 ? { ...response, failureReasons } : response;
  };
  const wrapped = middy<SQSEvent, QueueBatchResponse>(base).use(
    injectLambdaContext(getLogger(), { resetKeys: true }),
  );
  return (event, context) => wrapped(event, context);
}
