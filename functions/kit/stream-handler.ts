import type { Writable } from 'node:stream';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ValidationError } from '../../shared/errors.ts';
import { getLogger } from '../../shared/logger.ts';
import { decodeUriComponentOrUndefined } from '../../shared/text/decode.ts';
import { mapError } from './error-table.ts';
import { authorize, type Guarded, identify, withAuthFailureLimit } from './guard.ts';
import { type FieldIssue, type HttpInput, lowerCaseHeaders, validatePart } from './http-handler.ts';
import type { RouteContract } from './route-contract.ts';

/** Where a streamed response goes: headers once, then chunks as they are written. */
export interface ResponseSink {
  /** Sends the status and headers; returns the body stream. */
  open(status: number, headers: Readonly<Record<string, string>>): Writable;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** What a streaming route's function gets besides its input. */
export interface StreamContext extends Guarded {
  requestId: string;
  sink: ResponseSink;
}

/** A streaming route: Lambda's `streamifyResponse` shape on AWS, `local` for the local HTTP server. */
export type StreamRouteHandler = ((
  event: APIGatewayProxyEventV2,
  stream: Writable,
  context: Context,
) => Promise<void>) & {
  contract: RouteContract;
  streaming: true;
  local(event: APIGatewayProxyEventV2, context: Context, sink: ResponseSink): Promise<void>;
};

interface LambdaStreamGlobal {
  streamifyResponse(fn: (event: unknown, stream: Writable, context: Context) => Promise<void>): unknown;
  HttpResponseStream: {
    from(stream: Writable, prelude: { statusCode: number; headers: Record<string, string> }): Writable;
  };
}

/**
 * The path parameters of `rawPath` under the contract's route template (a
 * Lambda function URL event has no `pathParameters`; API Gateway's has).
 */
export function pathParametersOf(
  contract: RouteContract,
  rawPath: string,
): Record<string, string> | undefined {
  const template = contract.route.slice(contract.route.indexOf(' ') + 1).split('/');
  const parts = rawPath.split('/');
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of template.entries()) {
    const part = parts[i] ?? '';
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) {
      const decoded = decodeUriComponentOrUndefined(part);
      if (decoded === undefined) return undefined;
      params[name] = decoded;
    } else if (segment !== part) return undefined;
  }
  return params;
}

/**
 * Wraps a route whose response is streamed (Server-Sent Events) with the same
 * guard as {@link httpHandler}: identify (bearer token or session cookie),
 * validate with the contract (400 with fields), authorize on the
 * organisation, then hand the function a {@link ResponseSink}. Errors before
 * the stream opens are the usual error envelope. On AWS it runs behind a
 * Lambda function URL with `RESPONSE_STREAM` (the `awslambda` global's
 * `streamifyResponse`); the local HTTP server calls `local`.
 */
export function streamHandler<C extends RouteContract>(
  contract: C,
  fn: (input: HttpInput<C>, ctx: StreamContext) => Promise<void>,
): StreamRouteHandler {
  const run = async (event: APIGatewayProxyEventV2, context: Context, sink: ResponseSink): Promise<void> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    try {
      const headers = lowerCaseHeaders(event.headers);
      await withAuthFailureLimit(contract, event, async () => {
        const guarded = await identify(contract, event, headers);
        const issues: FieldIssue[] = [];
        const rawParams = event.pathParameters ?? pathParametersOf(contract, event.rawPath ?? '') ?? {};
        const params = validatePart(contract.params, rawParams, 'params', issues);
        const query = validatePart(contract.query, event.queryStringParameters ?? {}, 'query', issues);
        if (issues.length > 0) throw new ValidationError('Request is invalid', issues);
        await authorize(contract, guarded, params as Record<string, unknown>);
        const input = { params, query, body: undefined, rawBody: '', headers, event } as HttpInput<C>;
        await fn(input, { ...guarded, requestId, sink });
      });
    } catch (error) {
      const mapped = mapError(error, requestId);
      if (mapped.internal)
        getLogger().error('Unhandled error', { correlationId: requestId, error: error as Error });
      try {
        const body = sink.open(mapped.status, {
          'content-type': 'application/json',
          'x-request-id': requestId,
          'cache-control': 'no-store',
          ...mapped.headers,
        });
        body.end(JSON.stringify(mapped.envelope));
      } catch {
        // The stream had already started: the client sees it end.
      }
    }
  };

  // Lambda's Node.js runtime provides `awslambda.streamifyResponse`; elsewhere (other libraries may define a
  // partial `awslambda` global) the handler is the plain function and the local server calls `local`.
  const global = (globalThis as { awslambda?: Partial<LambdaStreamGlobal> }).awslambda;
  const lambda =
    typeof global?.streamifyResponse === 'function' && global.HttpResponseStream
      ? (global as LambdaStreamGlobal)
      : undefined;
  const onAws = async (event: APIGatewayProxyEventV2, stream: Writable, context: Context): Promise<void> => {
    const controller = new AbortController();
    stream.on('close', () => controller.abort());
    stream.on('error', () => controller.abort());
    let opened: Writable | undefined;
    await run(event, context, {
      signal: controller.signal,
      open(status, headers) {
        if (!lambda) throw new Error('Not running in Lambda');
        opened = lambda.HttpResponseStream.from(stream, { statusCode: status, headers: { ...headers } });
        return opened;
      },
    });
    if (opened && !opened.writableEnded) opened.end();
  };
  const handler = (lambda ? lambda.streamifyResponse(onAws as never) : onAws) as StreamRouteHandler;
  handler.contract = contract;
  handler.streaming = true;
  handler.local = run;
  return handler;
}
