import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeHttpError, verifyAppJwt, verifyInstallationToken, verifyUserToken } from './auth.ts';
import { controlRoutes } from './control-routes.ts';
import { type AppKeyFormat, type AppKeyPair, sharedAppKeyPair } from './keys.ts';
import {
  type FakeOAuthApp,
  type FakeOAuthRuntime,
  oauthRoutes,
  type RecordedAuthorization,
} from './oauth-routes.ts';
import { type FakeAppConfig, type RouteContext, type RouteResult, routes } from './routes.ts';
import { type FakeAccountUser, FakeGitHubState } from './state.ts';

const allRoutes = [...routes, ...oauthRoutes, ...controlRoutes];

export interface FakeGitHubOptions {
  /** Default 1001. */
  appId?: number;
  /** Default `assay-test`; comments the App writes are by `<slug>[bot]`. */
  appSlug?: string;
  /** The App's key pair; by default one shared per process (see `keyFormat`). */
  keys?: AppKeyPair;
  /** Format of the shared key pair when `keys` is not given (default `pkcs1`, what GitHub hands out). */
  keyFormat?: AppKeyFormat;
  /** Lifetime of minted installation tokens (default 3600 s, as on GitHub). */
  tokenTtlSeconds?: number;
  /** Clock for token and JWT expiry (default `Date.now`). */
  now?: () => number;
  /** Where `html_url`s point (default https://github.com). */
  webUrl?: string;
  /** The App's OAuth client id (default a random `Iv1.…`). */
  oauthClientId?: string;
  /** The App's OAuth client secret (default random). */
  oauthClientSecret?: string;
  /** Lifetime of authorisation codes (default 600 s, as on GitHub). */
  oauthCodeTtlSeconds?: number;
  /** Lifetime of `ghu_` user tokens (default 28800 s, as on GitHub). */
  userTokenTtlSeconds?: number;
}

/** One request the double received. Headers are not kept, so no credential is ever recorded. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string including `?`, or ''. */
  search: string;
  status: number;
}

/** A request that changed repository state (token mints are counted in `tokenMints` instead). */
export interface RecordedWrite {
  method: string;
  path: string;
  body: unknown;
}

export interface FaultMatch {
  /** Default: any method. */
  method?: string;
  /** A path prefix or pattern; default: repository endpoints (`/repos/…`). */
  path?: string | RegExp;
}

interface Fault {
  remaining: number;
  method: string | undefined;
  path: string | RegExp;
  /** Respond with the fault after performing the request (the write happens, the answer is lost). */
  afterHandling: boolean;
  respond(nowMs: number): FakeHttpError;
}

const MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * A stateful GitHub REST API double on 127.0.0.1: App JWT and installation
 * token checks as GitHub does them, the endpoints Assay uses, GitHub's
 * pagination, every request and write recorded, and injectable faults.
 *
 * ```ts
 * const fake = new FakeGitHub();
 * await fake.start();
 * fake.state.addInstallation({ id: 1, account: 'acme', repositories: ['widgets'] });
 * const client = createGitHubClient({ ...fake.credentials, baseUrl: fake.url });
 * ```
 *
 * It also plays github.com for the OAuth web flow on the same origin (set
 * both `ASSAY_GITHUB_WEB_URL` and `ASSAY_GITHUB_API_URL` to `fake.url`):
 *
 * ```ts
 * fake.state.addUser({ login: 'alice' });
 * fake.state.addOrgMember('acme', 'alice', 'admin');
 * fake.signInAs('alice');
 * // GET /login/oauth/authorize → 302 redirect_uri?code=…&state=…
 * // POST /login/oauth/access_token with fake.oauth.clientId/clientSecret → ghu_ token
 * ```
 */
export class FakeGitHub {
  readonly state: FakeGitHubState;
  readonly app: FakeAppConfig;
  readonly keys: AppKeyPair;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every successful repository write, in order. */
  readonly writes: RecordedWrite[] = [];
  /** Every visit to `/login/oauth/authorize`, in order. */
  readonly authorizations: RecordedAuthorization[] = [];
  private readonly oauthRuntime: FakeOAuthRuntime;
  private readonly now: () => number;
  private readonly webUrl: string;
  private faults: Fault[] = [];
  private server: Server | undefined;
  private baseUrl: string | undefined;

  constructor(options: FakeGitHubOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keys = options.keys ?? sharedAppKeyPair(options.keyFormat ?? 'pkcs1');
    this.app = {
      id: options.appId ?? 1001,
      slug: options.appSlug ?? 'assay-test',
      name: 'Assay (test)',
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    };
    this.webUrl = options.webUrl ?? 'https://github.com';
    this.state = new FakeGitHubState(this.now);
    this.oauthRuntime = {
      app: {
        clientId: options.oauthClientId ?? `Iv1.${randomBytes(8).toString('hex')}`,
        clientSecret: options.oauthClientSecret ?? randomBytes(20).toString('hex'),
      },
      codeTtlSeconds: options.oauthCodeTtlSeconds ?? 600,
      userTokenTtlSeconds: options.userTokenTtlSeconds ?? 28800,
      signedIn: undefined,
      denyNext: 0,
      authorizations: this.authorizations,
    };
  }

  /** Listens on 127.0.0.1 on a free port. */
  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  /** Closes the server and every open (keep-alive) connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The API base URL (`ASSAY_GITHUB_API_URL`), e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    if (!this.baseUrl) throw new Error('fake GitHub: not started');
    return this.baseUrl;
  }

  /** What the client needs: `{ appId, privateKey }`. */
  get credentials(): { appId: string; privateKey: string } {
    return { appId: String(this.app.id), privateKey: this.keys.privateKey };
  }

  /** The App's OAuth client credentials: `{ clientId, clientSecret }`. */
  get oauth(): Readonly<FakeOAuthApp> {
    return this.oauthRuntime.app;
  }

  /**
   * Signs `login` in to the "browser" (adding the user if the test had not):
   * `/login/oauth/authorize` then approves for them at once, as GitHub does
   * for an App the user already authorised. `undefined` signs out: the
   * authorise page then shows GitHub's sign-in page (200 HTML, no redirect).
   */
  signInAs(login: string | undefined): FakeAccountUser | undefined {
    this.oauthRuntime.signedIn = login?.toLowerCase();
    return login === undefined ? undefined : this.state.ensureUser(login);
  }

  /** The next `n` authorisations are declined: redirect with `error=access_denied` and the `state`. */
  denyNextAuthorization(n = 1): void {
    this.oauthRuntime.denyNext += n;
  }

  /** Changes the lifetime of `ghu_` tokens minted from now on. */
  setUserTokenTtl(seconds: number): void {
    this.oauthRuntime.userTokenTtlSeconds = seconds;
  }

  /** How many installation tokens were minted. */
  get tokenMints(): number {
    return this.state.mintedTokens;
  }

  /** Changes the lifetime of tokens minted from now on. */
  setTokenTtl(seconds: number): void {
    this.app.tokenTtlSeconds = seconds;
  }

  /** Forgets recorded requests and writes and pending faults (state stays). */
  clearRecords(): void {
    this.requests.length = 0;
    this.writes.length = 0;
    this.authorizations.length = 0;
    this.faults = [];
  }

  /**
   * The next `n` matching requests answer `status` (a 5xx) with GitHub's
   * `{ message, documentation_url }`. By default nothing is performed; with
   * `afterHandling` the request takes effect and only the answer is lost.
   */
  failNext(n: number, status = 502, match: FaultMatch & { afterHandling?: boolean } = {}): void {
    const message =
      status === 502 ? 'Server Error' : status === 503 ? 'Service Unavailable' : 'Internal Error';
    this.addFault(n, match, match.afterHandling ?? false, () => new FakeHttpError(status, message));
  }

  /**
   * The next `count` (default 1) matching requests hit a secondary rate limit:
   * 403 (or `status`), `retry-after`, and GitHub's "secondary rate limit" message.
   */
  rateLimitNext(
    options: { retryAfterSeconds?: number; count?: number; status?: 403 | 429 } & FaultMatch = {},
  ): void {
    const retryAfter = options.retryAfterSeconds ?? 1;
    this.addFault(
      options.count ?? 1,
      options,
      false,
      () =>
        new FakeHttpError(
          options.status ?? 403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          {},
          { 'retry-after': String(retryAfter) },
        ),
    );
  }

  /**
   * The next `count` (default 1) matching requests hit the primary rate limit:
   * 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` in `resetInSeconds`.
   */
  primaryRateLimitNext(options: { resetInSeconds?: number; count?: number } & FaultMatch = {}): void {
    this.addFault(options.count ?? 1, options, false, (nowMs) => {
      const reset = Math.floor(nowMs / 1000) + (options.resetInSeconds ?? 0);
      return new FakeHttpError(
        403,
        `API rate limit exceeded for installation.`,
        'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
        {},
        {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(reset),
          'x-ratelimit-resource': 'core',
        },
      );
    });
  }

  private addFault(n: number, match: FaultMatch, afterHandling: boolean, respond: Fault['respond']): void {
    this.faults.push({
      remaining: n,
      method: match.method?.toUpperCase(),
      path: match.path ?? '/repos/',
      afterHandling,
      respond,
    });
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method === method) &&
        (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path)),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = { method, path: url.pathname, search: redactSearch(url), status: 0 };
    this.requests.push(record);
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
      raw?: string | Uint8Array,
    ) => {
      record.status = status;
      const text = raw ?? (body === undefined ? '' : JSON.stringify(body));
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': randomUUID(),
        'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(this.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...headers,
      });
      res.end(text);
    };
    const sendError = (error: FakeHttpError) =>
      send(
        error.status,
        { message: error.message, documentation_url: error.documentationUrl, ...error.extra },
        {
          ...error.headers,
        },
      );
    try {
      const raw = await readBody(req);
      const fault = this.takeFault(method, url.pathname);
      if (fault && !fault.afterHandling) return sendError(fault.respond(this.now()));
      const result = await this.dispatch(req, method, url, raw);
      if (result.write) this.writes.push({ method, path: url.pathname, body: parseJson(raw) });
      if (fault) return sendError(fault.respond(this.now()));
      send(result.status, result.body, result.headers, result.bytes ?? result.text);
    } catch (error) {
      if (error instanceof FakeHttpError) return sendError(error);
      send(500, { message: `fake GitHub: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private async dispatch(req: IncomingMessage, method: string, url: URL, raw: string): Promise<RouteResult> {
    for (const route of allRoutes) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = match.groups ?? {};
      const nowMs = this.now();
      const ctx: RouteContext = {
        state: this.state,
        app: this.app,
        params,
        query: url.searchParams,
        pathname: url.pathname,
        body: undefined,
        baseUrl: this.url,
        webUrl: this.webUrl,
        nowMs,
        oauth: this.oauthRuntime,
        accept: req.headers.accept,
        contentType: req.headers['content-type'],
        cookie: req.headers.cookie,
      };
      if (route.auth === 'app') {
        await verifyAppJwt(
          req.headers.authorization,
          { id: this.app.id, publicKey: this.keys.publicKey },
          nowMs,
        );
      } else if (route.auth === 'user') {
        ctx.user = verifyUserToken(req.headers.authorization, this.state, nowMs);
      } else if (route.auth === 'repository') {
        const token = verifyInstallationToken(req.headers.authorization, this.state, nowMs);
        const repository = this.state.findRepository(
          decodeURIComponent(params.owner ?? ''),
          decodeURIComponent(params.repo ?? ''),
        );
        // GitHub answers 404, not 403, for repositories the token cannot see.
        if (!repository || repository.installationId !== token.installationId)
          throw new FakeHttpError(404, 'Not Found');
        ctx.repository = repository;
      }
      if (route.auth === 'none') {
        ctx.rawBody = raw;
      } else if (raw !== '') {
        ctx.body = parseJson(raw);
        if (ctx.body === undefined) throw new FakeHttpError(400, 'Problems parsing JSON');
      }
      return route.handle(ctx);
    }
    // GitHub answers 404 for unknown paths and for methods a path does not take.
    throw new FakeHttpError(404, 'Not Found');
  }
}

/** The query string to record: OAuth secrets and codes sent in it are replaced, so none is ever kept. */
function redactSearch(url: URL): string {
  if (!url.pathname.startsWith('/login/oauth/')) return url.search;
  const params = new URLSearchParams(url.search);
  for (const key of ['client_secret', 'code']) if (params.has(key)) params.set(key, '[redacted]');
  const search = params.toString();
  return search === '' ? '' : `?${search}`;
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new FakeHttpError(413, 'Payload Too Large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
