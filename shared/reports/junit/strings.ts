/**
 * String helpers for values that outlive a parser chunk.
 *
 * @module
 */

/**
 * V8 keeps a substring of 13 or more characters as a view into its parent
 * string, so an attribute value sliced out of a 64 KB input chunk would keep
 * the whole chunk alive for as long as a consumer holds the value. This returns
 * a copy that shares nothing with the parent: prepending a character forces a
 * flat copy, and slicing it off again views only that copy.
 */
export function detach(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/** {@link detach} that reuses its last copy while the same value repeats. */
export class DetachCache {
  private copy = '';

  /** A detached string equal to `value`. */
  get(value: string): string {
    if (value !== this.copy) this.copy = detach(value);
    return this.copy;
  }
}

/**
 * A 53-bit hash of three strings (two FNV-1a lanes), for identity sets that
 * must not hold the strings themselves. Collisions among 10^6 keys have a
 * probability below 10^-4.
 */
export function hash53(first: string, second: string, third: string): number {
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (let i = 0; i < first.length; i++) {
    const c = first.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  // Separators, so ("ab", "c") and ("a", "bc") differ.
  a = Math.imul(a ^ 0xffff, 0x01000193);
  b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  for (let i = 0; i < second.length; i++) {
    const c = second.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a = Math.imul(a ^ 0xffff, 0x01000193);
  b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  for (let i = 0; i < third.length; i++) {
    const c = third.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (b >>> 11) * 0x100000000 + (a >>> 0);
}
