import { useEffect, useRef, useState } from 'preact/hooks';

/** The event types an agent run's stream sends (`event:` lines); others arrive as `message`. */
const RUN_EVENT_TYPES = [
  'run_started',
  'stage_started',
  'llm_call',
  'artifact_created',
  'artifact_edited',
  'approval_requested',
  'approval_decided',
  'stage_finished',
  'run_finished',
  'message',
];

export interface RunEvent {
  id: string;
  type: string;
  stage: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended';

/**
 * Follows `GET …/agent-runs/{id}/events/stream` (Server-Sent Events). The
 * browser's EventSource resumes after a dropped connection with
 * `Last-Event-ID`; if the stream is refused or closed for good, it is opened
 * again after a pause from the last event seen (`?after=`). Stops at `end`.
 */
export function useRunEvents(url: string, onEvent: (event: RunEvent) => void) {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let source: EventSource | undefined;
    let lastId: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const seen = new Set<string>();
    setEvents([]);

    const open = () => {
      if (stopped) return;
      source = new EventSource(lastId ? `${url}?after=${encodeURIComponent(lastId)}` : url);
      source.onopen = () => setState('live');
      const receive = (message: MessageEvent<string>) => {
        let event: RunEvent;
        try {
          event = JSON.parse(message.data) as RunEvent;
        } catch {
          return;
        }
        const id = message.lastEventId || event.id;
        if (seen.has(id)) return;
        seen.add(id);
        lastId = id;
        setEvents((list) => [...list, event]);
        handler.current(event);
      };
      for (const type of RUN_EVENT_TYPES) source.addEventListener(type, receive as EventListener);
      source.addEventListener('end', () => {
        stopped = true;
        source?.close();
        setState('ended');
      });
      source.onerror = () => {
        if (stopped) return;
        if (source?.readyState === EventSource.CLOSED) {
          setState('reconnecting');
          timer = setTimeout(open, 2_000);
        } else setState('reconnecting');
      };
    };
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, [url]);

  return { events, state };
}
