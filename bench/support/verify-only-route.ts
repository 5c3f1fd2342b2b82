import { z } from 'zod';
import { httpHandler } from '../../functions/kit/http-handler.ts';
import { defineRoute } from '../../functions/kit/route-contract.ts';
import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { UnauthorizedError } from '../../shared/errors.ts';
import { MAX_WEBHOOK_BYTES } from '../../shared/webhooks/receive.service.ts';
import { verifyWebhookSignature } from '../../shared/webhooks/signature.ts';

/** Benchmark baseline: the webhook request answered right after signature verification. */
export const handler = httpHandler(
  defineRoute({
    route: 'POST /bench/verify-only',
    auth: 'webhook',
    summary: 'baseline',
    tags: ['bench'],
    rawBody: { maxBytes: MAX_WEBHOOK_BYTES },
    response: z.object({ status: z.literal('accepted') }),
    successStatus: 202,
  }),
  async ({ headers, rawBody }) => {
    const ok = await verifyWebhookSignature(
      await getAppSecret('webhook'),
      rawBody,
      headers['x-hub-signature-256'] ?? '',
    );
    if (!ok) throw new UnauthorizedError();
    return { status: 'accepted' as const };
  },
);
