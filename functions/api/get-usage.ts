import { getUsage as readUsage } from '../../shared/agents/agent-runs.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getUsage } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getUsage, async (_input, { access }) =>
  readUsage(await getDb(), getConfig(), access!.orgId),
);
