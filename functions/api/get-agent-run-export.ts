import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { exportAgentRun } from '../../shared/agents/agent-run-export.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getAgentRunExport } from '../contracts/agents.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

const objects = createObjectStore(getConfig());

export const handler = httpHandler(getAgentRunExport, async ({ params }, { access }) => {
  const { url } = await exportAgentRun({ db: await getDb(), objects }, access!.orgId, params.id);
  return HttpResponse.redirect(url);
});
