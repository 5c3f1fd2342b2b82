/**
 * Per-test quarantine (issue 31): the repository's `quarantine` setting lists
 * tests by name (and optionally classname and file), each with an owner, a
 * reason and an expiry day. While an entry is in force (through its `expires`
 * UTC day), the failing tests it matches never block the check; they are
 * listed as quarantined with their owner and reason. From the day after, the
 * test is back in the gate. Pure.
 *
 * @module
 */
import { identityFile, normalisePart } from './identity.ts';

/** One quarantined test, as the settings (API or `.github/assay.yml`) give it. */
export interface QuarantineEntry {
  /** The test's name, as reports give it (normalised: whitespace runs as one space, NFC). */
  name: string;
  /** Its classname; absent: any. */
  classname?: string | undefined;
  /** Its file (repository path); absent: any. */
  file?: string | undefined;
  /** Who answers for it (a GitHub login or team, `@acme/checkout`). */
  owner: string;
  reason: string;
  /** Last UTC day (`YYYY-MM-DD`) the quarantine holds. */
  expires: string;
}

/** Whether `entry` holds on `today` (`YYYY-MM-DD`, UTC). */
export function inForce(entry: QuarantineEntry, today: string): boolean {
  return entry.expires >= today;
}

/** The entry in force on `today` that quarantines `test`, if any. */
export function quarantineOf(
  entries: readonly QuarantineEntry[],
  test: { classname: string; name: string; file?: string | null | undefined },
  today: string,
): QuarantineEntry | undefined {
  const name = normalisePart(test.name);
  const classname = normalisePart(test.classname);
  const file = identityFile(test.file);
  return entries.find(
    (entry) =>
      inForce(entry, today) &&
      normalisePart(entry.name) === name &&
      (entry.classname === undefined || normalisePart(entry.classname) === classname) &&
      (entry.file === undefined || identityFile(entry.file) === file),
  );
}
