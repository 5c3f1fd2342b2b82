/**
 * Thrown inside the parser when the input cannot be a usable report; the public
 * API catches it and answers `{ valid: false, reason }` instead. Never escapes
 * `parseJUnit`.
 */
export class InvalidReportError extends Error {
  override readonly name = 'InvalidReportError';

  constructor(readonly reason: string) {
    super(reason);
  }
}
