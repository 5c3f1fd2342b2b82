/**
 * The Server-Sent Events stream of an agent run's events
 * (`GET …/agent-runs/{id}/events/stream`, WHATWG HTML "Server-sent events"):
 * each event as `id:` (its event id), `event:` (its type) and `data:` (its
 * JSON), read from Postgres as they are recorded; a `: heartbeat` comment
 * whenever nothing was written for `heartbeatMs` (proxies and Lambda's
 * response stream buffer small or idle responses); `event: end` once the run
 * has finished and every event was sent. A client resumes with
 * `Last-Event-ID` (browsers resend it on reconnect). The stream ends by
 * itself after `maxDurationMs` (a Lambda function URL runs 15 minutes at
 * most); the client reconnects and resumes.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { EVENTS_PAGE, listAgentRunEvents } from './agent-runs.service.ts';
import { isFinalStatus } from './agent-runs.types.ts';

export interface EventStreamDeps {
  db: Kysely<Database>;
  /** Idle time before a heartbeat comment, in ms. */
  heartbeatMs: number;
  /** How often the events table is read while idle, in ms (default 500). */
  pollMs?: number;
  /** When the stream ends by itself, in ms (default 14 minutes). */
  maxDurationMs?: number;
}

/** Where the stream is written: headers once, then the body. */
export interface EventSink {
  open(status: number, headers: Readonly<Record<string, string>>): Writable;
  readonly signal: AbortSignal;
}

/** One event in the SSE wire format. */
export function formatSseEvent(id: string, type: string, data: unknown): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams a run's events after `after` until the run has finished (see the
 * module comment). The first read happens before the response opens, so an
 * unknown run (404) or a malformed `Last-Event-ID` (400) is an ordinary error.
 */
export async function streamAgentRunEvents(
  deps: EventStreamDeps,
  orgId: string,
  runId: string,
  options: { after?: string; sink: EventSink; afterFrom?: string },
): Promise<void> {
  const { sink } = options;
  const pollMs = deps.pollMs ?? 500;
  const deadline = Date.now() + (deps.maxDurationMs ?? 14 * 60_000);
  let after = options.after?.trim() || undefined;
  let page = await listAgentRunEvents(deps.db, orgId, runId, {
    ...(after ? { after } : {}),
    ...(options.afterFrom ? { afterFrom: options.afterFrom } : {}),
  });
  const body = sink.open(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  const write = (chunk: string) => {
    if (!body.writableEnded && !sink.signal.aborted) body.write(chunk);
    lastWrite = Date.now();
  };
  let lastWrite = Date.now();
  // The reconnection delay, and a first comment that makes every layer send the headers now.
  write('retry: 2000\n: heartbeat\n\n');
  while (!sink.signal.aborted) {
    for (const event of page.events) {
      write(formatSseEvent(event.id, event.type, event));
      after = event.id;
    }
    if (isFinalStatus(page.status) && page.events.length < EVENTS_PAGE) {
      write(`event: end\ndata: ${JSON.stringify({ status: page.status })}\n\n`);
      break;
    }
    if (Date.now() >= deadline) break;
    if (page.events.length < EVENTS_PAGE) {
      await sleep(pollMs, undefined, { signal: sink.signal }).catch(() => undefined);
      if (Date.now() - lastWrite >= deps.heartbeatMs) write(': heartbeat\n\n');
    }
    if (sink.signal.aborted) break;
    page = await listAgentRunEvents(deps.db, orgId, runId, { ...(after ? { after } : {}) });
  }
  if (!body.writableEnded) body.end();
}
