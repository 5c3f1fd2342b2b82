import { generateKeyPairSync } from 'node:crypto';

/**
 * PEM encoding of a GitHub App private key. GitHub hands out PKCS#1
 * (`BEGIN RSA PRIVATE KEY`); `@octokit/auth-app` (through
 * universal-github-app-jwt) accepts that on Node by converting it to PKCS#8,
 * and accepts PKCS#8 (`BEGIN PRIVATE KEY`) as is.
 */
export type AppKeyFormat = 'pkcs1' | 'pkcs8';

/** An RSA key pair for a fake GitHub App: the private key for the client, the public key for the double. */
export interface AppKeyPair {
  privateKey: string;
  /** SPKI PEM (`BEGIN PUBLIC KEY`). */
  publicKey: string;
}

/** Generates a fresh 2048-bit RSA key pair (tens of milliseconds; use {@link sharedAppKeyPair} when any key will do). */
export function generateAppKeyPair(format: AppKeyFormat = 'pkcs1'): AppKeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: format, format: 'pem' },
  });
}

const shared = new Map<AppKeyFormat, AppKeyPair>();

/** One key pair per format per process, so that many fakes cost one key generation. */
export function sharedAppKeyPair(format: AppKeyFormat = 'pkcs1'): AppKeyPair {
  let pair = shared.get(format);
  if (!pair) {
    pair = generateAppKeyPair(format);
    shared.set(format, pair);
  }
  return pair;
}
