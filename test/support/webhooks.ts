import { postWebhook as post } from '../../infra/local/webhook-delivery.ts';
import { signWebhookBody } from '../../shared/webhooks/signature.ts';

export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** `X-Hub-Signature-256` for a body, as GitHub computes it. */
export function signBody(body: string | Buffer, secret = TEST_WEBHOOK_SECRET): string {
  return signWebhookBody(secret, body);
}

/** Posts a signed webhook to a running Assay (the tests' secret unless another is given). */
export function postWebhook(
  baseUrl: string,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string } = {},
): Promise<Response> {
  return post(baseUrl, event, payload, {
    secret: options.secret ?? TEST_WEBHOOK_SECRET,
    userAgent: 'GitHub-Hookshot/test',
    ...(options.deliveryId ? { deliveryId: options.deliveryId } : {}),
  });
}
