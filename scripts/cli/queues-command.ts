import { topology } from '../../infra/topology.ts';
import type { Topology } from '../../infra/topology.types.ts';
import {
  countLocalMessages,
  listDeadLetters,
  redriveDeadLetters,
} from '../../shared/adapters/local-queue-store.ts';
import { type CliDatabase, runOnDatabase } from './database.ts';

const queues = Object.keys((topology as Topology).queues);

function requireQueue(name: string | undefined): string {
  if (!name || !queues.includes(name)) {
    throw new Error(`Name a queue: ${queues.join(', ') || '(the topology has no queues yet)'}`);
  }
  return name;
}

/**
 * `assay queues [list]`, `assay queues dead-letters <queue>`,
 * `assay queues redrive <queue> [message ids…]` on the local queues.
 */
export async function queuesCommand(args: string[], database: CliDatabase): Promise<unknown> {
  const [action = 'list', name, ...ids] = args;
  switch (action) {
    case 'list': {
      const rows: Record<string, unknown> = {};
      for (const queue of queues) rows[queue] = await countLocalMessages(database.db, queue);
      return rows;
    }
    case 'dead-letters':
      return listDeadLetters(database.db, requireQueue(name));
    case 'redrive':
      return { redriven: await redriveDeadLetters(database.db, requireQueue(name), ids) };
    default:
      throw new Error(`Unknown queues action ${action}: use list, dead-letters or redrive`);
  }
}

/** `assay queues …`. */
export function run(args: string[]): Promise<number> {
  return runOnDatabase(() => (database) => queuesCommand(args, database));
}
