import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../../../shared/health/readiness.ts';

const ok = async () => undefined;

describe('checkReadiness', () => {
  it('is ready when every probe answers', async () => {
    const result = await checkReadiness({ database: ok, objectStore: ok, queues: ok });
    expect(result.status).toBe('ready');
    expect(result.down).toEqual([]);
  });

  it('names each dependency that fails or hangs', async () => {
    const result = await checkReadiness(
      {
        database: async () => {
          throw new Error('connection refused');
        },
        objectStore: () => new Promise(() => undefined),
        queues: ok,
      },
      100,
    );
    expect(result.status).toBe('not_ready');
    expect(result.down).toEqual(['database', 'objectStore']);
    expect(result.checks.database.error).toBe('connection refused');
    expect(result.checks.objectStore.error).toMatch(/no answer within 100 ms/);
    expect(result.checks.queues.ok).toBe(true);
  });
});
