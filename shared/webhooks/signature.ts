import { createHmac } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';

/**
 * True when `signature` (`X-Hub-Signature-256`, `sha256=<hex>`) is the
 * HMAC-SHA256 of the raw body under `secret`, compared in constant time.
 */
export async function verifyWebhookSignature(
  secret: string,
  rawBody: string,
  signature: string,
): Promise<boolean> {
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return false;
  try {
    return await verify(secret, rawBody, signature);
  } catch {
    return false;
  }
}

/**
 * `X-Hub-Signature-256` for a raw body as GitHub computes it:
 * `sha256=` + hex HMAC-SHA256 of the body's bytes under `secret`.
 */
export function signWebhookBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
