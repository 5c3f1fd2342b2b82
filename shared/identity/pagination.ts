import { type Expression, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { uuid } from '../text/uuid.ts';

const uuidCursor = uuid();
const loginCursor = z.string().regex(/^[a-z0-9-]{1,39}$/);

function invalidCursor(): ValidationError {
  return new ValidationError('cursor is not one this API returned', [
    { path: 'query.cursor', message: 'invalid' },
  ]);
}

/** A cursor that is the id (UUID) of the last row of the previous page. */
export function parseIdCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!uuidCursor.safeParse(cursor).success) throw invalidCursor();
  return cursor;
}

/** A cursor that is the lower-cased login of the last member of the previous page. */
export function parseLoginCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!loginCursor.safeParse(cursor).success) throw invalidCursor();
  return cursor;
}

/** A cursor that must match `pattern` (the shape of what this API puts in `nextCursor`); 400 otherwise. */
export function parsePatternCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  if (!pattern.test(cursor)) throw invalidCursor();
  return cursor;
}

/**
 * Keyset condition "older than the row with id `cursor`" for lists ordered by
 * `(created_at desc, id desc)`: the cursor row's own timestamp is read in SQL,
 * so no precision is lost on the way through JavaScript.
 */
export function olderThan(
  table:
    | 'invitations'
    | 'api_tokens'
    | 'notifications'
    | 'code_health_runs'
    | 'ci_uploads'
    | 'crawls'
    | 'documents'
    | 'agent_runs',
  cursor: string,
): Expression<SqlBool> {
  const t = sql.table(table);
  return sql<SqlBool>`(${t}.created_at, ${t}.id) < (select c.created_at, c.id from ${t} c where c.id = ${cursor})`;
}

/** Splits one extra row off a page and derives the next cursor from the last kept row. */
export function page<T>(rows: T[], limit: number, cursorOf: (row: T) => string) {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { rows: kept, nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}
