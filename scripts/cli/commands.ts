/**
 * Every `assay` command: its help lines and the module that runs it. A
 * command's module is imported only when that command runs (the prebuilt CLI
 * keeps each in its own chunk, see `scripts/build-cli.ts`), so `assay --help`
 * and `assay report` load nothing they do not use. Adding a command is one
 * entry here and a module exporting {@link CommandModule.run}.
 *
 * @module
 */
import {
  agentsUsage,
  crawlUsage,
  criteriaUsage,
  devUsage,
  documentsUsage,
  queuesUsage,
  reportUsage,
  tokenUsage,
  uploadUsage,
} from './usage.ts';

/** What a command module exports. */
export interface CommandModule {
  /** Runs the command on its arguments (after the command name); resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  usage: string;
  load(): Promise<CommandModule>;
}

export const commands: Record<string, CommandEntry> = {
  queues: { usage: queuesUsage, load: () => import('./queues-command.ts') },
  token: { usage: tokenUsage, load: () => import('./token-command.ts') },
  report: { usage: reportUsage, load: () => import('./report-command.ts') },
  upload: { usage: uploadUsage, load: () => import('./upload-command.ts') },
  criteria: { usage: criteriaUsage, load: () => import('./criteria-command.ts') },
  crawl: { usage: crawlUsage, load: () => import('./crawl-command.ts') },
  documents: { usage: documentsUsage, load: () => import('./documents-command.ts') },
  // Its help line is part of `documents`' usage.
  search: { usage: '', load: async () => ({ run: (await import('./documents-command.ts')).runSearch }) },
  dev: { usage: devUsage, load: () => import('./dev-command.ts') },
  agents: { usage: agentsUsage, load: () => import('./agents-command.ts') },
};
