import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../../../shared/agents/agent-runs.repository.ts';
import { listAgentRunEvents } from '../../../shared/agents/agent-runs.service.ts';
import { withSystem, withTenant } from '../../../shared/db/tenant.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { seedOrg } from '../../support/identity.ts';
import { startTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// Event ids a client sees (SSE `id:`, the `after` cursor) number the events within their run, so
// interleaved activity of another organisation leaves no gap in them.
let database: TestDatabase;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  database = await startTestDatabase();
  orgA = await seedOrg(database.db, 'events-a');
  orgB = await seedOrg(database.db, 'events-b');
}, 120_000);
afterAll(() => database?.stop());

async function seedRun(orgId: string): Promise<string> {
  const id = randomUUID();
  await withSystem(database.db, (trx) =>
    trx
      .insertInto('agent_runs')
      .values({
        id,
        org_id: orgId,
        status: 'running',
        stage: 'analyst',
        issues: '[]',
        document_ids: '[]',
        approvals: 'each-stage',
        stage_tokens: '{}',
        prompt_versions: '{}',
        requested_by_login: 'mona',
      })
      .execute(),
  );
  return id;
}

describe('agent-run event ids', () => {
  it('number each run’s events 1, 2, 3 … whatever other tenants record meanwhile', async () => {
    const runA = await seedRun(orgA);
    const runB = await seedRun(orgB);
    for (let i = 0; i < 4; i++) {
      await withTenant(database.db, orgA, (trx) =>
        insertEvent(trx, { orgId: orgA, runId: runA, type: 'stage_started', data: { i } }),
      );
      // Concurrent writers of another organisation's run.
      await Promise.all(
        [0, 1, 2].map((j) =>
          withTenant(database.db, orgB, (trx) =>
            insertEvent(trx, { orgId: orgB, runId: runB, type: 'llm_call', data: { i, j } }),
          ),
        ),
      );
    }
    const a = await listAgentRunEvents(database.db, orgA, runA, {});
    const b = await listAgentRunEvents(database.db, orgB, runB, {});
    expect(a.events.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    expect(b.events.map((e) => e.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    const after = await listAgentRunEvents(database.db, orgA, runA, { after: '2' });
    expect(after.events.map((e) => e.data)).toEqual([{ i: 2 }, { i: 3 }]);
    // A replayed event with a dedupe key is not numbered twice.
    for (let k = 0; k < 2; k++)
      await withTenant(database.db, orgA, (trx) =>
        insertEvent(trx, { orgId: orgA, runId: runA, type: 'stage_finished', dedupeKey: 'done' }),
      );
    expect((await listAgentRunEvents(database.db, orgA, runA, {})).events.map((e) => e.id)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('names where a malformed cursor came from', async () => {
    const run = await seedRun(orgA);
    const fromHeader = await listAgentRunEvents(database.db, orgA, run, {
      after: 'nope',
      afterFrom: 'header.last-event-id',
    }).catch((e: unknown) => e);
    expect(fromHeader).toBeInstanceOf(ValidationError);
    expect((fromHeader as ValidationError).message).toContain('last-event-id');
    expect(JSON.stringify((fromHeader as ValidationError).details)).toContain('header.last-event-id');
    const fromQuery = await listAgentRunEvents(database.db, orgA, run, { after: '1e3' }).catch(
      (e: unknown) => e,
    );
    expect(JSON.stringify((fromQuery as ValidationError).details)).toContain('query.after');
  });
});
