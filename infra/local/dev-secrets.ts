import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { StartupError } from './startup-errors.ts';

const devSecretsSchema = z.object({ webhookSecret: z.string().min(16), sessionKey: z.string().min(32) });
export type DevSecrets = z.infer<typeof devSecretsSchema>;

/**
 * Secrets for a local runtime that was given none: generated once, kept in
 * `<dataDir>/dev-secrets.json` (mode 600), and put into the environment unless
 * the operator set `ASSAY_GITHUB_WEBHOOK_SECRET` / `ASSAY_SESSION_KEY`.
 */
export function applyDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  let secrets = readDevSecrets(dataDir);
  if (!secrets) {
    secrets = {
      webhookSecret: randomBytes(24).toString('hex'),
      sessionKey: randomBytes(32).toString('base64url'),
    };
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET ||= secrets.webhookSecret;
  process.env.ASSAY_SESSION_KEY ||= secrets.sessionKey;
  return secrets;
}

/**
 * The secrets a local runtime generated for `dataDir`, or undefined when it
 * has none yet. A file that cannot be read or is not what Assay wrote throws,
 * naming the fix: regenerating it silently would change the webhook secret.
 */
export function readDevSecrets(dataDir: string): DevSecrets | undefined {
  const file = join(dataDir, 'dev-secrets.json');
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError(
      `Cannot read ${file} (${(error as Error).message}): delete it to generate new secrets, or set ASSAY_GITHUB_WEBHOOK_SECRET and ASSAY_SESSION_KEY.`,
    );
  }
  const parsed = devSecretsSchema.safeParse(json);
  if (!parsed.success) {
    throw new StartupError(
      `${file} is not a secrets file Assay wrote: delete it to generate new secrets, or set ASSAY_GITHUB_WEBHOOK_SECRET and ASSAY_SESSION_KEY.`,
    );
  }
  return parsed.data;
}
