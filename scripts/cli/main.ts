import { getConfig } from '../../shared/config.ts';
import { type CliDatabase, openCliDatabase } from './database.ts';
import { documentsCommand, documentsUsage, searchCommand } from './documents-command.ts';
import { queuesCommand } from './queues-command.ts';
import { reportCommand, reportUsage } from './report-command.ts';
import { tokenCommand, tokenUsage } from './token-command.ts';

const usage = `Usage: assay <command>

  queues [list]                      message counts per local queue
  queues dead-letters <queue>        dead letters of a local queue (JSON)
  queues redrive <queue> [ids…]      move dead letters back to their queue
${tokenUsage}${reportUsage}${documentsUsage}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(usage);
    return command ? 0 : 1;
  }
  // `report` works on a local file only: it never opens the database.
  if (command === 'report') {
    const { output, exitCode } = await reportCommand(rest);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return exitCode;
  }
  // `documents` and `search` go through the API when given one, else open the database themselves.
  const selfContained: Record<string, (args: string[]) => Promise<{ output: unknown; exitCode: number }>> = {
    documents: documentsCommand,
    search: searchCommand,
  };
  const own = selfContained[command];
  if (own) {
    const { output, exitCode } = await own(rest);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return exitCode;
  }
  // Each command checks its arguments before the database is opened, then runs on it.
  const commands: Record<string, (args: string[]) => (database: CliDatabase) => Promise<unknown>> = {
    queues: (args) => (database) => queuesCommand(args, database),
    token: tokenCommand,
  };
  const run = commands[command]?.(rest);
  if (run) {
    const database = await openCliDatabase(getConfig().ASSAY_DATA_DIR);
    try {
      process.stdout.write(`${JSON.stringify(await run(database), null, 2)}\n`);
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
