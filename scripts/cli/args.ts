/**
 * `node:util` `parseArgs` for every `assay` command, with one difference: the
 * value of a string option may start with `-` (`--body "- [ ] item"`, a
 * Markdown list, or a negative number). Node refuses such a value as
 * "ambiguous" unless written `--body=- …`; since every string option of the
 * CLI takes a value, the next argument is always that value.
 *
 * @module
 */
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

/**
 * `args` with each `--name value` / `-n value` of a string option whose
 * value starts with `-` joined as `--name=value`, which Node reads unambiguously.
 * Arguments after `--` are left as they are.
 */
export function joinDashValues(args: readonly string[], options: ParseArgsConfig['options']): string[] {
  const strings = new Set<string>();
  for (const [name, option] of Object.entries(options ?? {})) {
    if (option.type !== 'string') continue;
    strings.add(`--${name}`);
    if (option.short) strings.add(`-${option.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (strings.has(arg) && next !== undefined && next.startsWith('-') && next !== '--') {
      const name = arg.startsWith('--') ? arg : `--${longName(options, arg.slice(1))}`;
      out.push(`${name}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function longName(options: ParseArgsConfig['options'], short: string): string {
  return Object.entries(options ?? {}).find(([, option]) => option.short === short)?.[0] ?? short;
}

/** `parseArgs` from `node:util`, after {@link joinDashValues}. */
export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  const args = config.args ?? process.argv.slice(2);
  return nodeParseArgs({ ...config, args: joinDashValues(args, config.options) }) as ReturnType<
    typeof nodeParseArgs<T>
  >;
}
