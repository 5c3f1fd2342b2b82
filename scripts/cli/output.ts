/** Prints a command's result as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
};

/**
 * The line a failed command prints: an error's own message, except a file
 * system error (`ENOENT: no such file or directory, stat 'x'`), which names
 * the file and what is wrong with it in words (`x: no such file or directory`).
 * With `debug`, the stack.
 */
export function describeCliError(error: unknown, debug = false): string {
  if (!(error instanceof Error)) return String(error);
  if (debug) return error.stack ?? error.message;
  const { code, path } = error as NodeJS.ErrnoException;
  if (code !== undefined && path !== undefined && Object.hasOwn(FILE_ERRORS, code))
    return `${path}: ${FILE_ERRORS[code]}`;
  return error.message;
}
