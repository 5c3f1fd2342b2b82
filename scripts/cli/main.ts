/**
 * `assay <command>`: looks the command up in {@link commands} and runs it.
 * Nothing but the command's own module is loaded.
 *
 * @module
 */
import { commands } from './commands.ts';
import { describeCliError } from './output.ts';

const usage = `Usage: assay <command>\n\n${Object.values(commands)
  .map((c) => c.usage)
  .join('')}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(usage);
    return command ? 0 : 1;
  }
  const entry = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!entry) {
    process.stderr.write(`Unknown command ${command}\n${usage}`);
    return 1;
  }
  return (await entry.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const debug = process.env.ASSAY_LOG_LEVEL?.toUpperCase() === 'DEBUG';
    process.stderr.write(`${describeCliError(error, debug)}\n`);
    process.exit(1);
  },
);
