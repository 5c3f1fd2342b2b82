import { getConfig } from '../../shared/config.ts';
import { openCliDatabase } from './database.ts';
import { queuesCommand } from './queues-command.ts';

const usage = `Usage: assay <command>

  queues [list]                      message counts per local queue
  queues dead-letters <queue>        dead letters of a local queue (JSON)
  queues redrive <queue> [ids…]      move dead letters back to their queue
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(usage);
    return command ? 0 : 1;
  }
  if (command === 'queues') {
    const database = await openCliDatabase(getConfig().ASSAY_DATA_DIR);
    try {
      process.stdout.write(`${JSON.stringify(await queuesCommand(rest, database), null, 2)}\n`);
      return 0;
    } finally {
      await database.close();
    }
  }
  process.stderr.write(`Unknown command ${command}\n${usage}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
