/**
 * Login step values at rest: sealed with AES-256-GCM under a key derived from
 * the application's session secret, kept only until the crawl's run ends.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sessionKey } from '../auth/session-jwt.ts';

const VERSION = 'v1';
const valuesSchema = z.array(z.string().nullable());

/**
 * Seals the values of a crawl's login steps (`null` for a step without one):
 * `v1.<base64url(iv ‖ tag ‖ ciphertext)>`, a fresh 96-bit IV each time, the
 * crawl id bound in as additional data so a sealed blob cannot be moved to
 * another crawl.
 */
export function sealLoginValues(values: readonly (string | null)[], secret: string, crawlId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sessionKey(secret, 'crawl-login-values'), iv);
  cipher.setAAD(Buffer.from(crawlId));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

/**
 * Opens what {@link sealLoginValues} sealed.
 *
 * @throws Error when the blob was altered, belongs to another crawl, or the secret changed.
 */
export function openLoginValues(sealed: string, secret: string, crawlId: string): (string | null)[] {
  const [version, payload] = sealed.split('.');
  if (version !== VERSION || !payload) throw new Error('Unknown login secret format');
  const raw = Buffer.from(payload, 'base64url');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    sessionKey(secret, 'crawl-login-values'),
    raw.subarray(0, 12),
  );
  decipher.setAAD(Buffer.from(crawlId));
  decipher.setAuthTag(raw.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  return valuesSchema.parse(JSON.parse(plain));
}
