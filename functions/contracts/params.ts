import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';

/** `{owner}/{repo}` path parameters, as GitHub spells them. */
export const repoParams = z.object({
  owner: text().regex(/^[A-Za-z0-9-]{1,39}$/, 'a GitHub account'),
  repo: text().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name'),
});

/** `{owner}/{repo}` plus an issue or pull request `{number}`. */
export const repoNumberParams = repoParams.extend({
  number: z.coerce.number().int().positive().max(2_147_483_647),
});

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

/**
 * A media type as an HTTP `Content-Type` carries it (RFC 9110 §8.3.1:
 * `type/subtype *( OWS ";" OWS parameter )`): printable ASCII only, so no CR,
 * LF or other control character can reach a signed header or be echoed.
 */
export function mediaType(): z.ZodString {
  return text().min(3).max(200).regex(MEDIA_TYPE, 'a media type such as application/pdf (RFC 9110)');
}

/**
 * An integer query or path parameter given as decimal text, bounded by
 * `min` and `max` (default: what a Postgres `integer` holds), so an
 * out-of-range value is a 400 naming the parameter and never reaches SQL.
 */
export function intParam(options: { min?: number; max?: number } = {}) {
  return z.coerce
    .number()
    .int()
    .min(options.min ?? 1)
    .max(options.max ?? 2_147_483_647);
}

/**
 * An RFC 3339 UTC timestamp (`2026-01-31T12:00:00Z`) from 1970
 * to the end of 2999, so date arithmetic and Postgres `timestamptz` never
 * overflow on it; outside that range it is a 400 naming the parameter.
 */
export function timestamp() {
  return z.iso.datetime().refine((value) => {
    const ms = Date.parse(value);
    return ms >= Date.UTC(1970, 0, 1) && ms < Date.UTC(3000, 0, 1);
  }, 'a time from 1970 to 2999');
}
