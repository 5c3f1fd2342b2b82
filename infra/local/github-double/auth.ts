import { compactVerify, decodeProtectedHeader, importSPKI } from 'jose';
import type { FakeAccountUser, FakeGitHubState, FakeToken } from './state.ts';

/** A GitHub-style error answer: `{ message, documentation_url }` with a status. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl = 'https://docs.github.com/rest',
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const authDocs = 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app';
const badCredentials = () => new FakeHttpError(401, 'Bad credentials', 'https://docs.github.com/rest');

/** Splits `Authorization: <scheme> <credentials>`; GitHub treats the scheme case-insensitively. */
function parseAuthorization(header: string | undefined): { scheme: string; credentials: string } | undefined {
  const match = /^(\S+)\s+(\S+)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return { scheme: match[1]!.toLowerCase(), credentials: match[2]! };
}

/** What the double knows about the App: its id and the public half of its key. */
export interface FakeAppIdentity {
  id: number;
  publicKey: string;
}

/** Largest clock skew tolerated for `iat` in the future, as GitHub allows a little. */
const IAT_SKEW_SECONDS = 60;

/**
 * Checks an App JWT the way GitHub does: `Authorization: Bearer <jwt>`, RS256
 * signed by the App's key, `iss` = the App id, `iat`/`exp` integers, `exp`
 * at most 10 minutes after `iat` and not past, `iat` not in the future.
 * Throws a 401 {@link FakeHttpError} with GitHub's wording otherwise.
 */
export async function verifyAppJwt(
  authorization: string | undefined,
  app: FakeAppIdentity,
  nowMs: number,
): Promise<void> {
  const parsed = parseAuthorization(authorization);
  if (!parsed) throw new FakeHttpError(401, 'Requires authentication', authDocs);
  if (parsed.scheme !== 'bearer' || parsed.credentials.split('.').length !== 3)
    throw new FakeHttpError(
      401,
      'A JSON web token could not be decoded',
      'https://docs.github.com/rest/apps/apps#get-the-authenticated-app',
    );
  let payloadBytes: Uint8Array;
  try {
    const header = decodeProtectedHeader(parsed.credentials);
    if (header.alg !== 'RS256') throw new Error('alg');
    const key = await importSPKI(app.publicKey, 'RS256');
    ({ payload: payloadBytes } = await compactVerify(parsed.credentials, key));
  } catch {
    throw new FakeHttpError(401, 'A JSON web token could not be decoded', authDocs);
  }
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(new TextDecoder().decode(payloadBytes)) as Record<string, unknown>;
  } catch {
    throw new FakeHttpError(401, 'A JSON web token could not be decoded', authDocs);
  }
  const now = Math.floor(nowMs / 1000);
  const { iat, exp, iss } = claims;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now + IAT_SKEW_SECONDS)
    throw new FakeHttpError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
      authDocs,
    );
  if (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= now)
    throw new FakeHttpError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
      authDocs,
    );
  if (exp - iat > 600 || exp > now + 600)
    throw new FakeHttpError(401, "'Expiration time' claim ('exp') is too far in the future.", authDocs);
  if (String(iss) !== String(app.id))
    throw new FakeHttpError(401, "'Issuer' claim ('iss') must be an Integer.", authDocs);
}

/**
 * Resolves `Authorization: token|Bearer ghs_…` to a live installation token.
 * Unknown, malformed or expired tokens get GitHub's 401 "Bad credentials".
 */
export function verifyInstallationToken(
  authorization: string | undefined,
  state: FakeGitHubState,
  nowMs: number,
): FakeToken {
  const parsed = parseAuthorization(authorization);
  if (!parsed) throw new FakeHttpError(401, 'Requires authentication');
  if (parsed.scheme !== 'token' && parsed.scheme !== 'bearer') throw badCredentials();
  const token = state.tokens.get(parsed.credentials);
  if (!token || token.expiresAt <= nowMs) throw badCredentials();
  const installation = state.installations.get(token.installationId);
  if (!installation) throw badCredentials();
  if (installation.suspended)
    throw new FakeHttpError(403, 'This installation has been suspended', 'https://docs.github.com/rest');
  return token;
}

/**
 * Resolves `Authorization: token|Bearer ghu_…` to the user it was minted for.
 * Unknown, malformed or expired tokens get 401 "Bad credentials"; an
 * installation token (`ghs_…`) gets GitHub's 403 "Resource not accessible by
 * integration", as user endpoints answer it.
 */
export function verifyUserToken(
  authorization: string | undefined,
  state: FakeGitHubState,
  nowMs: number,
): FakeAccountUser {
  const parsed = parseAuthorization(authorization);
  if (!parsed) throw new FakeHttpError(401, 'Requires authentication');
  if (parsed.scheme !== 'token' && parsed.scheme !== 'bearer') throw badCredentials();
  const installationToken = state.tokens.get(parsed.credentials);
  if (installationToken && installationToken.expiresAt > nowMs)
    throw new FakeHttpError(403, 'Resource not accessible by integration', 'https://docs.github.com/rest');
  const token = state.userTokens.get(parsed.credentials);
  if (!token || token.expiresAt <= nowMs) throw badCredentials();
  const user = state.findUser(token.login);
  if (!user) throw badCredentials();
  return user;
}
