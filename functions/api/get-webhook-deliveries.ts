import { getDb } from '../../shared/db/connection.ts';
import { listDeliveries } from '../../shared/webhooks/deliveries-view.service.ts';
import { getWebhookDeliveries } from '../contracts/repos.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getWebhookDeliveries, async ({ query }, { access }) =>
  listDeliveries(await getDb(), access!.orgId, query),
);
