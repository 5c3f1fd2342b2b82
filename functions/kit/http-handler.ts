import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { DomainError, PayloadTooLargeError, ValidationError } from '../../shared/errors.ts';
import { getLogger } from '../../shared/logger.ts';
import { mapError } from './error-table.ts';
import { authorize, type Guarded, identify, withAuthFailureLimit } from './guard.ts';
import { HttpResponse } from './http-response.ts';
import type { RouteContract } from './route-contract.ts';

/** Largest JSON request body a route accepts unless it declares a raw body. */
const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;

type Present<S> = NonNullable<S>;
type Out<S, Fallback> = [Present<S>] extends [never]
  ? Fallback
  : Present<S> extends z.ZodType
    ? z.output<Present<S>>
    : Fallback;

/** What a route's function receives: validated params, query and body. */
export interface HttpInput<C extends RouteContract> {
  params: Out<C['params'], Record<string, never>>;
  query: Out<C['query'], Record<string, never>>;
  body: Out<C['body'], undefined>;
  /** The body exactly as received (decoded from base64 if needed). */
  rawBody: string;
  /** Request headers, names lower-cased. */
  headers: Readonly<Record<string, string>>;
  event: APIGatewayProxyEventV2;
}

export interface HttpContext extends Guarded {
  requestId: string;
  logger: Logger;
  lambda: Context;
}

type RouteResult<C extends RouteContract> =
  | HttpResponse
  | ([Present<C['response']>] extends [never]
      ? never
      : Present<C['response']> extends z.ZodType
        ? z.input<Present<C['response']>>
        : never);

export type HttpRouteHandler = ((
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>) & { contract: RouteContract };

const baseHeaders = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

/** Header names lower-cased, undefined values dropped. */
export function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

function decodeBody(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** Validates one part of a request with its schema, adding each failing field to `issues`. */
export function validatePart(
  schema: z.ZodType | undefined,
  value: unknown,
  location: string,
  issues: FieldIssue[],
): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ path: [location, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}

function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

function parseJsonBody(contract: RouteContract, raw: string, headers: Record<string, string>): unknown {
  if (raw === '') return undefined;
  if (Buffer.byteLength(raw) > DEFAULT_JSON_LIMIT_BYTES)
    throw new PayloadTooLargeError(DEFAULT_JSON_LIMIT_BYTES);
  if (!isJsonContentType(headers['content-type'])) {
    throw new DomainError(
      'unsupported_media_type',
      `${contract.route} expects Content-Type: application/json`,
    );
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ValidationError('Request body is not valid JSON', undefined, 'invalid_json');
  }
}

function checkRawBody(contract: RouteContract, raw: string, headers: Record<string, string>): void {
  const spec = contract.rawBody;
  if (!spec) return;
  if (Buffer.byteLength(raw) > spec.maxBytes) throw new PayloadTooLargeError(spec.maxBytes);
  if (!spec.contentTypes) return;
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (!type || !spec.contentTypes.includes(type)) {
    throw new DomainError(
      'unsupported_media_type',
      `Content-Type must be one of ${spec.contentTypes.join(', ')}`,
    );
  }
}

function toResult(
  contract: RouteContract,
  value: unknown,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  if (value instanceof HttpResponse) {
    const isBuffer = Buffer.isBuffer(value.body);
    return {
      statusCode: value.status,
      headers: { ...baseHeaders, 'x-request-id': requestId, ...value.headers },
      body: isBuffer ? (value.body as Buffer).toString('base64') : ((value.body as string | undefined) ?? ''),
      isBase64Encoded: isBuffer,
      ...(value.cookies.length > 0 ? { cookies: [...value.cookies] } : {}),
    };
  }
  const status = contract.successStatus ?? 200;
  return {
    statusCode: status,
    headers: { ...baseHeaders, 'x-request-id': requestId, 'content-type': 'application/json' },
    body: value === undefined ? '' : JSON.stringify(value),
  };
}

/**
 * Wraps a route's function as an API Gateway v2 handler: parses and validates
 * params, query and body with the contract's zod schemas (400 with the failing
 * fields), runs the function, serialises the result, and turns every thrown
 * error into the error envelope through the one error table.
 */
export function httpHandler<C extends RouteContract>(
  contract: C,
  fn: (input: HttpInput<C>, ctx: HttpContext) => Promise<RouteResult<C>>,
): HttpRouteHandler {
  if (contract.auth === 'session' && !contract.action) {
    throw new Error(`${contract.route}: a session route must declare its action`);
  }
  const base = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const logger = getLogger();
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const headers = lowerCaseHeaders(event.headers);
    const rawBody = decodeBody(event);
    checkRawBody(contract, rawBody, headers);
    return withAuthFailureLimit(contract, event, async () => {
      const guarded = await identify(contract, event, headers);
      // Input is validated before anything in it is looked up (organisation access included).
      const parsedBody = contract.body ? parseJsonBody(contract, rawBody, headers) : undefined;
      const issues: FieldIssue[] = [];
      const params = validatePart(contract.params, event.pathParameters ?? {}, 'params', issues);
      const query = validatePart(contract.query, event.queryStringParameters ?? {}, 'query', issues);
      const body = contract.body ? validatePart(contract.body, parsedBody, 'body', issues) : undefined;
      if (issues.length > 0) throw new ValidationError('Request is invalid', issues);
      await authorize(contract, guarded, params as Record<string, unknown>);
      const input = { params, query, body, rawBody, headers, event } as HttpInput<C>;
      const result = await fn(input, { ...guarded, requestId, logger, lambda: context });
      return toResult(contract, result, requestId);
    });
  };

  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(base)
    .use(injectLambdaContext(getLogger(), { resetKeys: true }))
    .use({
      before: async (request) => {
        getLogger().appendKeys({
          correlationId: request.event.requestContext?.requestId ?? request.context.awsRequestId,
          route: contract.route,
        });
      },
      onError: async (request) => {
        const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
        const mapped = mapError(request.error, requestId);
        const logger = getLogger();
        if (mapped.internal)
          logger.error('Unhandled error', { correlationId: requestId, error: request.error as Error });
        else logger.info('Request rejected', { status: mapped.status, code: mapped.envelope.error.code });
        request.response = {
          statusCode: mapped.status,
          headers: {
            ...baseHeaders,
            'x-request-id': requestId,
            'content-type': 'application/json',
            ...mapped.headers,
          },
          body: JSON.stringify(mapped.envelope),
        };
      },
    });
  const handler = ((event: APIGatewayProxyEventV2, context: Context) =>
    wrapped(event, context)) as HttpRouteHandler;
  handler.contract = contract;
  return handler;
}
