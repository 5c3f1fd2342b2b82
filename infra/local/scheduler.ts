import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { scheduleEveryMinutes } from '../schedule-rate.ts';
import type { ScheduleEntry } from '../topology.types.ts';
import { loadHandler } from './handler-loader.ts';
import { createLambdaContext } from './lambda-context.ts';

type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

/** The local stand-in for EventBridge schedules: invokes each handler at its rate. */
export class LocalScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly root: string,
    private readonly schedules: Readonly<Record<string, ScheduleEntry>>,
    private readonly onError: (name: string, error: unknown) => void,
  ) {}

  start(): void {
    for (const [name, entry] of Object.entries(this.schedules)) {
      const minutes = scheduleEveryMinutes(name, entry, process.env);
      this.timers.push(setInterval(() => void this.fire(name), minutes * 60_000));
    }
  }

  /** Runs one schedule now (also used by tests and the demo). */
  async fire(name: string): Promise<void> {
    const entry = this.schedules[name];
    if (!entry) throw new Error(`Unknown schedule ${name}`);
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [`arn:aws:events:us-east-1:000000000000:rule/${name}`],
      detail: {},
    };
    const run = loadHandler<ScheduledHandler>(this.root, entry.handler)
      .then((handler) => handler(event, createLambdaContext(name, entry.timeoutSeconds ?? 60)))
      .catch((error: unknown) => this.onError(name, error));
    this.running.add(run);
    await run.finally(() => this.running.delete(run));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.running);
  }
}
