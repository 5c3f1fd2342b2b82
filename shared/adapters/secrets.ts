import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * Reads a Secrets Manager secret holding JSON, cached for the life of the
 * Lambda container (Powertools' cache, refreshed every 5 minutes).
 */
export async function readSecretJson(secretId: string): Promise<unknown> {
  const value = await getSecret(secretId, { transform: 'json', maxAge: 300 });
  if (value === undefined) throw new Error(`Secret ${secretId} is empty`);
  return value;
}

/** Reads a plain-string secret, cached like {@link readSecretJson}. */
export async function readSecretString(secretId: string): Promise<string> {
  const value = await getSecret(secretId, { maxAge: 300 });
  if (typeof value !== 'string' || value === '') throw new Error(`Secret ${secretId} is empty`);
  return value;
}
