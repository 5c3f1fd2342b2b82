import { streamAgentRunEvents } from '../../shared/agents/agent-run-stream.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRunEventsStream } from '../contracts/agents.ts';
import { streamHandler } from '../kit/stream-handler.ts';

const config = getConfig();

export const handler = streamHandler(
  getAgentRunEventsStream,
  async ({ params, query, headers }, { access, sink }) =>
    streamAgentRunEvents(
      { db: await getDb(), heartbeatMs: config.ASSAY_EVENTS_HEARTBEAT_SECONDS * 1000 },
      access!.orgId,
      params.id,
      headers['last-event-id'] !== undefined
        ? { after: headers['last-event-id'], afterFrom: 'header.last-event-id', sink }
        : { ...(query.after !== undefined ? { after: query.after } : {}), sink },
    ),
);
