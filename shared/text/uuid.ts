import { z } from 'zod';

/**
 * A UUID as Postgres's `uuid` type stores it: 32 hexadecimal digits in the
 * 8-4-4-4-12 layout (RFC 9562 §4 text form), any version and variant bits.
 * zod's `uuid` schema also demands an RFC 9562 version and variant, so it
 * refused ids such as `00000000-0000-0000-0000-000000000001` that Postgres
 * (and every client that stored them) treats as valid; this schema is the one
 * used for ids at every boundary, so an id Assay could store is never refused.
 */
export function uuid(): z.ZodGUID {
  return z.guid({ message: 'a UUID (8-4-4-4-12 hexadecimal digits)' });
}
