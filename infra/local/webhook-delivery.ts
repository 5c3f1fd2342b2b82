import { randomUUID } from 'node:crypto';
import { signWebhookBody } from '../../shared/webhooks/signature.ts';

/**
 * The request GitHub sends for one webhook delivery: JSON body, event and
 * delivery-id headers, and `X-Hub-Signature-256` over the exact body bytes.
 * Used by `assay dev`, the demo and the tests to speak to a running Assay.
 */
export function webhookRequest(
  event: string,
  payload: unknown,
  options: { secret: string; deliveryId?: string; userAgent?: string },
): { deliveryId: string; init: RequestInit } {
  const body = JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  return {
    deliveryId,
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': options.userAgent ?? 'GitHub-Hookshot/assay-local',
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signWebhookBody(options.secret, body),
      },
      body,
    },
  };
}

/** Posts a signed webhook to a running Assay at `baseUrl` (its `/webhooks/github`). */
export function postWebhook(
  baseUrl: string,
  event: string,
  payload: unknown,
  options: { secret: string; deliveryId?: string; userAgent?: string },
): Promise<Response> {
  return fetch(`${baseUrl}/webhooks/github`, webhookRequest(event, payload, options).init);
}
