import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';

/** How a test token is signed; every default makes a token the verifier accepts. */
export interface SignOptions {
  /** Default `assay`. */
  audience?: string;
  /** Default the fake issuer's URL. */
  issuer?: string;
  /** Seconds from now until expiry; negative for an expired token. Default 300. */
  expiresIn?: number;
  /** Sign with a key the JWKS does not publish, under the published `kid` (a bad signature). */
  foreignKey?: boolean;
  /** An unsecured token (`alg: none`, no signature) with the same claims. */
  unsigned?: boolean;
}

/** A GitHub-Actions-like OIDC issuer on 127.0.0.1 serving one RSA key as a JWKS. */
export interface FakeOidcIssuer {
  /** The issuer (`iss`) the tokens carry: `http://127.0.0.1:<port>`. */
  issuer: string;
  /** Where the JWKS is served. */
  jwksUrl: string;
  /** How many times the JWKS was fetched. */
  jwksRequests(): number;
  /** Signs `claims` (GitHub's: `repository`, `sha`, `run_id`, `run_attempt` …) into a JWT. */
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a fake OIDC issuer. Set `ASSAY_GITHUB_OIDC_ISSUER` / `_JWKS_URL` to
 * its `issuer` / `jwksUrl` before the runtime starts.
 */
export async function startFakeOidcIssuer(): Promise<FakeOidcIssuer> {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks') {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks`,
    jwksRequests: () => requests,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const key: CryptoKey = options.foreignKey ? foreign.privateKey : privateKey;
      const jwt = options.unsigned ? new UnsecuredJWT(claims) : new SignJWT(claims);
      if (jwt instanceof SignJWT) jwt.setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' });
      jwt
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? 'assay')
        .setIssuedAt(now - 60)
        .setNotBefore(now - 60)
        .setExpirationTime(now + (options.expiresIn ?? 300))
        .setJti(randomUUID());
      return jwt instanceof SignJWT ? jwt.sign(key) : jwt.encode();
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
