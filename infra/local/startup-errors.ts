/**
 * What `npm start` prints when it cannot start: one line saying what is wrong
 * and what to set, instead of a stack trace (the stack is printed too with
 * `ASSAY_LOG_LEVEL=DEBUG`).
 *
 * @module
 */
import { ConfigError } from '../../shared/config.ts';

/** A start-up failure whose message already names the fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

interface SystemError extends Error {
  code?: string;
  port?: number;
  path?: string;
  syscall?: string;
}

/** The one line for `error`; `ports` says which variable each listening port came from. */
export function describeStartupError(error: unknown, ports: Readonly<Record<string, number>>): string {
  if (error instanceof StartupError) return error.message;
  if (error instanceof ConfigError) {
    return `Invalid configuration (fix these environment variables): ${error.problems.join('; ')}`;
  }
  if (!(error instanceof Error)) return `Assay could not start: ${String(error)}`;
  const e = error as SystemError;
  if ((e.code === 'EADDRINUSE' || e.code === 'EACCES') && e.syscall === 'listen') {
    const variable = Object.entries(ports).find(([, port]) => port === e.port)?.[0] ?? 'PORT';
    const why = e.code === 'EADDRINUSE' ? 'is in use by another program' : 'may not be used by this user';
    return `Port ${e.port} ${why}: set ${variable} to a free port (${variable}=0 picks one).`;
  }
  if (e.message.includes('is in use by process')) return e.message;
  if ((e.code === 'EACCES' || e.code === 'EROFS' || e.code === 'ENOTDIR' || e.code === 'EPERM') && e.path) {
    return `Cannot use ${e.path} (${e.code}): set ASSAY_DATA_DIR to a directory this user can write.`;
  }
  return `Assay could not start: ${e.message} (set ASSAY_LOG_LEVEL=DEBUG for the stack trace).`;
}
