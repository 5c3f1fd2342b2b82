/**
 * Turning a zod error into the one-line `reason` of an invalid report.
 *
 * @module
 */
import type { z } from 'zod';

/** `"findings[2].severity: unknown severity \"urgent\"; …"` — the first few issues, with their JSON paths. */
export function zodReason(error: z.ZodError, prefix: string, max = 3): string {
  const issues = error.issues.slice(0, max).map((issue) => {
    const path = issue.path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
      .join('');
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return `${prefix}: ${issues.join('; ')}${more}`;
}
