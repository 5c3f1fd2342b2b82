import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { errorEnvelopeSchema } from './error-envelope.ts';
import type { RouteContract } from './route-contract.ts';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorEnvelopeSchema } },
});

/**
 * How callers authenticate, by the route's `auth` (the names are the
 * document's `securitySchemes`): API routes take a bearer token (an API token
 * `assay_pat_…`, or a session JWT) or the `assay_session` cookie; CI routes a
 * GitHub Actions OIDC token or an upload token (`assay_upl_…`); the webhook
 * GitHub's signature.
 */
const securitySchemes = {
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (`assay_pat_…`, from `POST /api/v1/orgs/{org}/api-tokens` or `npx assay token create`) or a session JWT.',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'assay_session',
    description: 'The session cookie set by sign-in with GitHub (`GET /auth/callback`).',
  },
  ciToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A GitHub Actions OIDC token (audience `assay`) or a repository upload token (`assay_upl_…`).',
  },
  githubSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Hub-Signature-256',
    description: 'HMAC-SHA256 of the raw body with the App’s webhook secret (`sha256=<hex>`).',
  },
} as const;

/** Per route `auth`: the security requirement and the outcomes it adds. */
const securityByAuth: Record<
  RouteContract['auth'],
  { security: Array<Record<string, string[]>>; responses: Record<string, string> }
> = {
  session: {
    security: [{ apiToken: [] }, { sessionCookie: [] }],
    responses: {
      '401': 'No credentials, or credentials that are invalid, expired or revoked',
      '403': 'The caller’s role does not allow this (or, with the cookie, the Origin is not allowed)',
      '429': 'Over the rate limit (see `Retry-After`)',
    },
  },
  ci: {
    security: [{ ciToken: [] }],
    responses: {
      '401': 'No token, or a token that is invalid, expired or for another audience',
      '403': 'The repository is not installed or the token may not upload for it',
      '429': 'Over the rate limit (see `Retry-After`)',
    },
  },
  webhook: {
    security: [{ githubSignature: [] }],
    responses: {
      '401': 'Missing or wrong signature',
      '429': 'Over the rate limit (see `Retry-After`)',
    },
  },
  public: { security: [], responses: {} },
};

function operation(contract: RouteContract): ZodOpenApiOperationObject {
  const success = String(contract.successStatus ?? 200);
  const op: ZodOpenApiOperationObject = {
    operationId: contract.route.replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, ''),
    summary: contract.summary,
    description: contract.description,
    tags: [...contract.tags],
    responses: {
      [success]: contract.response
        ? { description: 'Success', content: { 'application/json': { schema: contract.response } } }
        : { description: 'Success', content: { [contract.produces ?? 'application/json']: {} } },
      '400': errorResponse('Invalid request (the failing fields are in `details`)'),
      '500': errorResponse('Internal error (a correlation id is logged)'),
    },
  };
  if (contract.params || contract.query) {
    op.requestParams = {
      ...(contract.params ? { path: contract.params as never } : {}),
      ...(contract.query ? { query: contract.query as never } : {}),
    };
  }
  if (contract.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: contract.body } } };
  } else if (contract.rawBody) {
    op.requestBody = {
      required: true,
      content: Object.fromEntries(
        (contract.rawBody.contentTypes ?? ['application/json']).map((type) => [type, {}]),
      ),
    };
  }
  const auth = securityByAuth[contract.auth];
  op.security = auth.security;
  const extra: Record<string, string> = { ...auth.responses };
  if (contract.auth === 'session' && (contract.orgParam || contract.params)) {
    extra['404'] =
      'Not found — also for an organisation the caller is not a member of (its existence is not revealed)';
  }
  if (contract.rateLimitClass) extra['429'] = 'Over the rate limit (see `Retry-After`)';
  for (const [status, description] of Object.entries(extra)) {
    (op.responses as Record<string, unknown>)[status] = errorResponse(description);
  }
  for (const [status, description] of Object.entries(contract.errors ?? {})) {
    (op.responses as Record<string, unknown>)[status] = errorResponse(description);
  }
  return op;
}

/** Builds the OpenAPI 3.1 document of the given routes from their zod schemas. */
export function buildOpenApiDocument(
  contracts: readonly RouteContract[],
  version: string,
): Record<string, unknown> {
  const paths: ZodOpenApiPathsObject = {};
  for (const contract of contracts) {
    const [method, path] = contract.route.split(' ') as [string, string];
    paths[path] ??= {};
    (paths[path] as Record<string, ZodOpenApiOperationObject>)[method.toLowerCase()] = operation(contract);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Assay API',
      version,
      description:
        'Acceptance criteria → test ids → pull-request validation. Errors are always the `Error` envelope.',
    },
    paths,
    components: { securitySchemes },
  }) as unknown as Record<string, unknown>;
}
