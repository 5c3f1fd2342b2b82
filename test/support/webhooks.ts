import { randomUUID } from 'node:crypto';
import { signWebhookBody } from '../../shared/webhooks/signature.ts';

export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** `X-Hub-Signature-256` for a body, as GitHub computes it. */
export function signBody(body: string | Buffer, secret = TEST_WEBHOOK_SECRET): string {
  return signWebhookBody(secret, body);
}

/** Posts a signed webhook to a running Assay. */
export async function postWebhook(
  baseUrl: string,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string } = {},
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${baseUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-hub-signature-256': signBody(body, options.secret),
      'user-agent': 'GitHub-Hookshot/test',
    },
    body,
  });
}
