/**
 * `assay upload`'s exit codes and the error that carries one.
 *
 * @module
 */

/** Exit codes of `assay upload` (documented in `--help` and README). */
export const UPLOAD_EXIT = {
  /** Every matched file was uploaded (or nothing matched without `--fail-on-missing`). */
  ok: 0,
  /** An upload failed: network, 5xx or 429 after the retries, 409, or another refusal. */
  failed: 1,
  /** Bad arguments (or a required value, such as the SHA for an upload token, could not be found). */
  usage: 2,
  /** No credential, or Assay refused it (401/403): the message names the fix. */
  auth: 3,
  /** A matched file is not a valid report (nothing was uploaded; `--force` uploads anyway). */
  invalid: 4,
  /** `--fail-on-missing` and a kind asked for matched no file. */
  missing: 5,
} as const;

/** One of {@link UPLOAD_EXIT}'s codes. */
export type UploadExitCode = (typeof UPLOAD_EXIT)[keyof typeof UPLOAD_EXIT];

/** A failure that ends `assay upload` with `exitCode` and `message` on standard error. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly exitCode: UploadExitCode,
    message: string,
  ) {
    super(message);
  }
}
