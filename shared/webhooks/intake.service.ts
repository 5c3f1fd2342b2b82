import type { Kysely } from 'kysely';
import type { ObjectStore } from '../adapters/object-store.ts';
import type { Database } from '../db/database.ts';
import { deletionGate, scrubDeliveryPayload } from '../org-data/deletion.service.ts';
import { toStorableJson, toStorableText } from '../text/well-formed.ts';
import { type ApplyDeps, applyPlan } from './apply-plan.ts';
import { claimDelivery, finishDelivery } from './deliveries.repository.ts';
import { planDelivery } from './plan.ts';

export interface IntakeDeps extends ApplyDeps {
  db: Kysely<Database>;
  objects: ObjectStore;
  /** How long a claim protects a delivery from a concurrent copy (≥ the consumer's timeout). */
  leaseSeconds: number;
}

export type IntakeResult = 'processed' | 'ignored' | 'skipped' | 'unknown';

/**
 * Processes one stored delivery at most once: claims it, loads its payload,
 * plans and applies it, and records `processed` or `ignored` with what was
 * done. On an error it records `failed` with the message and rethrows, so the
 * queue retries it and finally dead-letters it. Copies of the message for a
 * delivery already done (or being done) are skipped.
 */
export async function processDelivery(deps: IntakeDeps, deliveryId: string): Promise<IntakeResult> {
  const delivery = await claimDelivery(deps.db, deliveryId, deps.leaseSeconds);
  if (!delivery) {
    const exists = await deps.db
      .selectFrom('webhook_deliveries')
      .select('delivery_id')
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst()
      .catch(() => undefined);
    return exists ? 'skipped' : 'unknown';
  }
  try {
    const raw = delivery.payload ?? (await deps.objects.getText(delivery.payload_key ?? ''));
    // Third-party content: stored with NUL and lone surrogates replaced by U+FFFD.
    const payload = toStorableJson(JSON.parse(raw) as Record<string, unknown>);
    const gate = await deletionGate(deps.db, delivery.installation_id, payload);
    if (gate?.kind === 'ignore') {
      await scrubDeliveryPayload(deps.db, deps.objects, delivery);
      await finishDelivery(deps.db, deliveryId, { status: 'ignored', outcome: gate.reason });
      return 'ignored';
    }
    if (gate?.kind === 'retry') throw new Error(gate.reason);
    const applied = await applyPlan(deps, planDelivery(delivery.event, payload), deliveryId);
    await finishDelivery(deps.db, deliveryId, applied);
    return applied.status;
  } catch (error) {
    const message = toStorableText(
      error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    );
    await finishDelivery(deps.db, deliveryId, { status: 'failed', error: message });
    throw error;
  }
}
