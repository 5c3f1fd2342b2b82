import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import type { FakeOidcIssuer } from './index.ts';

/**
 * The runner's ID-token service as a GitHub Actions step sees it: set
 * `ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN` to `requestUrl` / `requestToken`,
 * and `GET <url>&audience=<aud>` with `Authorization: bearer <token>` answers
 * `{ "value": "<JWT>" }` signed by the fake issuer for that audience.
 */
export interface FakeActionsTokenEndpoint {
  /** Already carries a query (`?api-version=2.0`), as the runner's does. */
  requestUrl: string;
  requestToken: string;
  /** The audiences asked for, in order. */
  audiences(): string[];
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1, minting tokens with `claims` from `issuer`. */
export async function startActionsTokenEndpoint(
  issuer: FakeOidcIssuer,
  claims: JWTPayload,
): Promise<FakeActionsTokenEndpoint> {
  const requestToken = randomBytes(16).toString('hex');
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/_apis/oidctoken') {
      res.writeHead(404).end();
      return;
    }
    if (req.headers.authorization?.toLowerCase() !== `bearer ${requestToken}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
      return;
    }
    const audience = url.searchParams.get('audience') ?? '';
    asked.push(audience);
    issuer.sign(claims, audience ? { audience } : {}).then(
      (value) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value })),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requestUrl: `http://127.0.0.1:${port}/_apis/oidctoken?api-version=2.0`,
    requestToken,
    audiences: () => [...asked],
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
