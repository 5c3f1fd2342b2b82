import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { MAX_WEBHOOK_BYTES } from '../../shared/webhooks/receive.service.ts';
import { defineRoute } from '../kit/route-contract.ts';

export const postGithubWebhook = defineRoute({
  route: 'POST /webhooks/github',
  auth: 'webhook',
  summary: 'GitHub App webhook intake',
  description:
    'Verifies `X-Hub-Signature-256` over the raw body, records the delivery once per `X-GitHub-Delivery`, and queues it. 202 when accepted, 200 for a delivery already received.',
  tags: ['github'],
  rawBody: { maxBytes: MAX_WEBHOOK_BYTES },
  response: z.object({ status: z.enum(['accepted', 'duplicate']), deliveryId: text() }),
  successStatus: 202,
  errors: {
    401: 'Missing or wrong signature',
    413: 'Body over 25 MB',
    415: 'Content-Type is not application/json',
  },
});
