import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queueHandler } from '../../../functions/kit/queue-handler.ts';
import { sqsEvent, testContext } from '../../support/lambda-events.ts';

describe('queueHandler', () => {
  const seen: number[] = [];
  const handler = queueHandler(z.object({ n: z.number() }), async (message) => {
    if (message.n === 3) throw new Error('three fails');
    seen.push(message.n);
  });

  it('reports only the failed and the invalid records in batchItemFailures', async () => {
    const bodies = [1, 2, 3, 4].map((n) => JSON.stringify({ n }));
    bodies.push('not json', JSON.stringify({ n: 'x' }));
    const result = await handler(sqsEvent(bodies), testContext());
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-2', 'm-4', 'm-5']);
    expect(seen.sort()).toEqual([1, 2, 4]);
  });

  it('returns every record as failed when the whole batch fails, without throwing', async () => {
    const result = await handler(sqsEvent([JSON.stringify({ n: 3 })]), testContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
  });
});
