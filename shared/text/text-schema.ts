import { z } from 'zod';
import { isStorableText } from './well-formed.ts';

/**
 * The one refinement every API string schema carries: no NUL and no lone
 * surrogate ({@link isStorableText}). It runs first and aborts, so such input
 * is a 400 naming the field before any other rule or any lookup sees it.
 */
export const storableTextCheck = z.refine<string>(isStorableText, {
  message: 'must not contain NUL (U+0000) or unpaired surrogate characters',
  abort: true,
});

/** `z.string()` with {@link storableTextCheck}: the string schema of every API input. */
export function text(): z.ZodString {
  return z.string().check(storableTextCheck);
}
