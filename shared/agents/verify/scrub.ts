/**
 * What generated tests print goes into the `verify-report` artifact, the
 * run's `verify` outcome, events, the export and logs: {@link scrubSecrets}
 * takes out anything secret first (issue 25). The runner's environment holds
 * nothing secret to begin with and the sandbox hides the server's; this is the
 * second line, for what a test could still have found.
 *
 * @module
 */

/** The text put where a secret was. */
export const REDACTED = '[redacted]';

/** Names of environment variables whose values are secrets. */
const SECRET_NAME = /(KEY|SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|SESSION|SIGNING|DATABASE_URL|DSN)/i;

/** Secret shapes that need no list: API keys, GitHub tokens, AWS keys, JWTs, PEM keys, credentials in URLs. */
const PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]{3,}(?=@)/gi,
];

/**
 * The secret values of `env` (variables named like keys, secrets, tokens,
 * passwords, sessions …; values of 8 characters or more), longest first.
 */
export function secretValuesOf(env: NodeJS.ProcessEnv): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 8 || !SECRET_NAME.test(name)) continue;
    values.add(value);
    // JSON-escaped and single-line forms of multi-line values (PEM keys in env with \n).
    if (value.includes('\n')) values.add(value.replace(/\n/g, '\\n'));
  }
  return [...values].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` with every known secret value (`secrets`, plus {@link secretValuesOf}
 * the server's environment) and every secret-shaped string replaced by
 * {@link REDACTED}. Values shorter than 8 characters are not searched for
 * (they would match ordinary words).
 */
export function scrubSecrets(
  text: string,
  secrets: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): string {
  let out = text;
  const values = [...new Set([...secrets.filter((s) => s.length >= 8), ...secretValuesOf(env)])].sort(
    (a, b) => b.length - a.length,
  );
  for (const value of values) {
    if (out.includes(value)) out = out.split(value).join(REDACTED);
    // The same value as it appears escaped in XML or JSON output.
    for (const form of [xmlEscape(value), JSON.stringify(value).slice(1, -1)]) {
      if (form !== value && out.includes(form))
        out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
    }
  }
  for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
