import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { QueuePublisher } from '../adapters/queue-publisher.ts';
import type { Database } from '../db/database.ts';
import { DomainError, UnauthorizedError, ValidationError } from '../errors.ts';
import { queues } from '../queues/messages.ts';
import { toStorableText } from '../text/well-formed.ts';
import { insertDelivery, markEnqueued } from './deliveries.repository.ts';
import { verifyWebhookSignature } from './signature.ts';

/** GitHub's own cap on webhook payloads. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface ReceiveDeps {
  db: Kysely<Database>;
  publisher: QueuePublisher;
  objects: ObjectStore;
  webhookSecret: () => Promise<string>;
  /** Payloads above this go to the object store; the row keeps the key. */
  inlineMaxBytes: number;
  onEnqueueError?: (deliveryId: string, error: unknown) => void;
}

const headersSchema = z.object({
  'x-github-event': z
    .string({ error: 'X-GitHub-Event header is required' })
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'X-GitHub-Event is not an event name'),
  'x-github-delivery': z
    .string({ error: 'X-GitHub-Delivery header is required' })
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'X-GitHub-Delivery is not a delivery id'),
});

const envelopeSchema = z.looseObject({
  action: z.string().max(100).optional().catch(undefined),
  installation: z.looseObject({ id: z.number().int().positive() }).optional().catch(undefined),
});

export interface Received {
  status: 'accepted' | 'duplicate';
  deliveryId: string;
}

function parseJsonObject(rawBody: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw new ValidationError('Body is not valid JSON', undefined, 'invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('Body must be a JSON object', undefined, 'invalid_json');
  }
  return value as Record<string, unknown>;
}

/**
 * Accepts a GitHub webhook: the signature over the raw body is checked before
 * anything else, then the headers and JSON; the delivery is recorded once
 * (a repeat is a duplicate), its payload kept in Postgres or, when large, in
 * the object store, and its id enqueued. A failed enqueue still accepts: the
 * sweeper re-enqueues deliveries left `received`.
 */
export async function receiveWebhook(
  deps: ReceiveDeps,
  request: { headers: Readonly<Record<string, string>>; rawBody: string },
): Promise<Received> {
  const signature = request.headers['x-hub-signature-256'];
  if (!signature) throw new UnauthorizedError('X-Hub-Signature-256 header is required', 'signature_missing');
  if (request.rawBody === '') throw new ValidationError('Body is empty', undefined, 'empty_body');
  if (!(await verifyWebhookSignature(await deps.webhookSecret(), request.rawBody, signature))) {
    throw new UnauthorizedError('X-Hub-Signature-256 does not match the body', 'signature_invalid');
  }
  const headers = headersSchema.safeParse(request.headers);
  if (!headers.success) {
    throw new ValidationError(
      'GitHub webhook headers are missing or invalid',
      headers.error.issues.map((i) => ({ path: `headers.${i.path.join('.')}`, message: i.message })),
      'invalid_headers',
    );
  }
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new DomainError(
      'unsupported_media_type',
      'Content-Type must be application/json (set it in the App settings)',
    );
  }
  const payload = parseJsonObject(request.rawBody);
  const envelope = envelopeSchema.parse(payload);
  const deliveryId = headers.data['x-github-delivery'];
  const bytes = Buffer.byteLength(request.rawBody);
  let payloadKey: string | null = null;
  if (bytes > deps.inlineMaxBytes) {
    payloadKey = `webhooks/${deliveryId}.json`;
    await deps.objects.putText(payloadKey, request.rawBody, 'application/json');
  }
  const inserted = await insertDelivery(deps.db, {
    deliveryId,
    event: headers.data['x-github-event'],
    action: envelope.action === undefined ? null : toStorableText(envelope.action),
    installationId: envelope.installation?.id ?? null,
    payload: payloadKey ? null : request.rawBody,
    payloadKey,
    payloadBytes: bytes,
  });
  if (!inserted) return { status: 'duplicate', deliveryId };
  try {
    await deps.publisher.send(queues.intake, { deliveryId });
    await markEnqueued(deps.db, deliveryId);
  } catch (error) {
    deps.onEnqueueError?.(deliveryId, error);
  }
  return { status: 'accepted', deliveryId };
}
