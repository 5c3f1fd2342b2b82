import { createHash } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Kysely } from 'kysely';
import {
  deleteLocalMessage,
  type LocalQueueMessage,
  receiveLocalMessages,
  recordLocalFailure,
} from '../../shared/adapters/local-queue-store.ts';
import type { QueueEntry } from '../topology.types.ts';
import { loadHandler } from './handler-loader.ts';
import { createLambdaContext } from './lambda-context.ts';

/** SQS's partial batch response; the kit's consumers add each failed message's error (`failureReasons`). */
type QueueConsumer = (
  event: SQSEvent,
  context: Context,
) => Promise<(SQSBatchResponse & { failureReasons?: Record<string, string> }) | undefined>;

export interface QueueEngineOptions {
  root: string;
  // biome-ignore lint/suspicious/noExplicitAny: the engine only touches its own schema.
  db: Kysely<any>;
  queues: Readonly<Record<string, QueueEntry>>;
  /** How often an idle queue is polled. */
  pollIntervalMs?: number;
  /** Per-queue overrides (tests shorten visibility timeouts). */
  overrides?: Readonly<
    Record<string, Partial<Pick<QueueEntry, 'visibilityTimeoutSeconds' | 'maxReceiveCount' | 'batchSize'>>>
  >;
  onError?: (queue: string, error: unknown) => void;
  /** Called once per message handled (the local runtime's terminal log line). */
  onMessage?: (message: { queue: string; id: string; ok: boolean; receiveCount: number; ms: number }) => void;
}

function toRecord(queue: string, message: LocalQueueMessage): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'LOCAL',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: 'us-east-1',
  };
}

/**
 * The local stand-in for SQS → Lambda event source mappings: one poller per
 * queue receives batches from the durable store, invokes the consumer with a
 * real `SQSEvent`, deletes what succeeded and leaves failures hidden until
 * their visibility timeout, after which they are retried until
 * `maxReceiveCount`, then dead-lettered.
 */
export class LocalQueueEngine {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly wakeups = new Set<() => void>();
  private inFlight = 0;

  constructor(private readonly options: QueueEngineOptions) {}

  /** Settings in force for a queue (topology plus overrides). */
  settings(queue: string): QueueEntry {
    const entry = this.options.queues[queue];
    if (!entry) throw new Error(`Unknown queue ${queue}`);
    return { ...entry, ...this.options.overrides?.[queue] };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const [name, entry] of Object.entries(this.options.queues)) {
      if (entry.handler) this.loops.push(this.loop(name));
    }
  }

  /** Stops polling and waits for batches in flight to finish, so nothing is half-done. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakeups) wake();
    await Promise.all(this.loops);
    this.loops.length = 0;
  }

  /** Number of consumer invocations running right now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Receives and processes one batch of `queue` now; returns how many messages were delivered. */
  async pollOnce(queue: string): Promise<number> {
    const settings = this.settings(queue);
    if (!settings.handler) return 0;
    const messages = await receiveLocalMessages(this.options.db, queue, {
      max: settings.batchSize,
      visibilityTimeoutMs: settings.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: settings.maxReceiveCount,
    });
    if (messages.length === 0) return 0;
    this.inFlight += 1;
    try {
      await this.invoke(queue, settings, messages);
    } finally {
      this.inFlight -= 1;
    }
    return messages.length;
  }

  private async invoke(queue: string, settings: QueueEntry, messages: LocalQueueMessage[]): Promise<void> {
    const records = messages.map((m) => toRecord(queue, m));
    const started = performance.now();
    let failedIds: Set<string>;
    let failure: string | undefined;
    let reasons: Record<string, string> = {};
    try {
      const consumer = await loadHandler<QueueConsumer>(this.options.root, settings.handler as string);
      const result = await consumer(
        { Records: records },
        createLambdaContext(queue, settings.timeoutSeconds ?? 30),
      );
      failedIds = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      reasons = result?.failureReasons ?? {};
    } catch (error) {
      // A thrown invocation fails the whole batch, as on Lambda.
      failedIds = new Set(records.map((r) => r.messageId));
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.options.onError?.(queue, error);
    }
    const ms = performance.now() - started;
    for (const message of messages) {
      const ok = !failedIds.has(message.id);
      this.options.onMessage?.({ queue, id: message.id, ok, receiveCount: message.receiveCount, ms });
      if (!ok) {
        await recordLocalFailure(
          this.options.db,
          message.receiptHandle,
          failure ?? reasons[message.id] ?? 'reported in batchItemFailures (no error given)',
        );
      } else {
        await deleteLocalMessage(this.options.db, message.receiptHandle);
      }
    }
  }

  private async loop(queue: string): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 250;
    while (this.running) {
      let delivered = 0;
      try {
        delivered = await this.pollOnce(queue);
      } catch (error) {
        this.options.onError?.(queue, error);
      }
      if (delivered === 0 && this.running) await this.sleep(interval);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeups.add(wake);
    });
  }
}
