/**
 * A compact map from 53-bit identity hashes to a few flag bits, stored in
 * typed arrays (9 bytes a slot, open addressing, linear probing, at most 3/4 full). Used where a
 * `Map` would cost ~50 bytes and a heap number per entry — e.g. one entry per
 * tagged testcase across a whole report.
 *
 * @module
 */

const INITIAL_SLOTS = 1024;

/** Flags per identity hash (`hash53` values). */
export class IdentityFlags {
  private keys = new Float64Array(INITIAL_SLOTS);
  private flags = new Uint8Array(INITIAL_SLOTS);
  private used = 0;

  /** Number of identities recorded. */
  get size(): number {
    return this.used;
  }

  /** ORs `bits` into the flags of `key` and returns the flags it now has. */
  or(key: number, bits: number): number {
    // Grow at 3/4 full: short probe runs with a well-mixed hash, ~12 bytes per entry.
    if ((this.used + 1) * 4 > this.keys.length * 3) this.grow();
    const slot = this.slotOf(key === 0 ? 1 : key);
    if (this.keys[slot] === 0) {
      this.keys[slot] = key === 0 ? 1 : key;
      this.used++;
    }
    const next = (this.flags[slot] ?? 0) | bits;
    this.flags[slot] = next;
    return next;
  }

  /** The slot holding `key`, or the empty slot where it belongs. `key` is never 0. */
  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    // ToUint32 of an integer below 2^53 is its low 32 bits: one FNV lane of the hash.
    let slot = (key >>> 0) & mask;
    for (let k = this.keys[slot]; k !== 0 && k !== key; k = this.keys[slot]) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { keys, flags } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.flags = new Uint8Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? 0;
      if (key === 0) continue;
      const slot = this.slotOf(key);
      this.keys[slot] = key;
      this.flags[slot] = flags[i] ?? 0;
    }
  }
}
