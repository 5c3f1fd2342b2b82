import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { isApiPath } from '../../shared/console/paths.ts';
import type { RouteEntry } from '../topology.types.ts';
import { toApiGatewayEvent } from './api-gateway-event.ts';
import { serveConsole } from './console-assets.ts';
import { loadHandler } from './handler-loader.ts';
import { createLambdaContext } from './lambda-context.ts';
import { RouteMatcher } from './route-matcher.ts';

type RouteHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A streaming route's handler (`functions/kit/stream-handler.ts`): written to the socket as it goes. */
interface StreamingRouteHandler {
  streaming: true;
  local(
    event: APIGatewayProxyEventV2,
    context: Context,
    sink: { open(status: number, headers: Readonly<Record<string, string>>): Writable; signal: AbortSignal },
  ): Promise<void>;
}

function isStreaming(handler: unknown): handler is StreamingRouteHandler {
  return typeof handler === 'function' && (handler as { streaming?: unknown }).streaming === true;
}

/** Serves a streamed response: headers when the handler opens it, then each chunk at once. */
async function serveStream(
  handler: StreamingRouteHandler,
  event: APIGatewayProxyEventV2,
  context: Context,
  response: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  response.on('close', () => controller.abort());
  await handler.local(event, context, {
    signal: controller.signal,
    open(status, headers) {
      response.writeHead(status, { ...headers });
      response.flushHeaders();
      return response;
    },
  });
  if (!response.writableEnded) response.end();
}

export interface LocalHttpServerOptions {
  root: string;
  routes: Readonly<Record<string, RouteEntry>>;
  port: number;
  host?: string;
  /** Bodies above this are refused with 413 before a handler runs (API Gateway refuses large bodies too). */
  maxBodyBytes: number;
  /**
   * The console's static build (`console/dist`): GETs outside the API paths
   * (`shared/console/paths.ts`) are served from it, as CloudFront does on AWS.
   */
  consoleDir?: string;
  /** Called once per answered request (the local runtime's terminal log line). */
  onRequest?: (request: { method: string; path: string; status: number; ms: number }) => void;
}

export interface LocalHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
  response.end(JSON.stringify({ error: { code, message } }));
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? '';
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * The request target as a URL, or `undefined` when it is not one: the path
 * (origin-form, or absolute-form from a proxy) against the `Host` header,
 * which must itself be a valid host (`Host: [` is not).
 */
function requestUrl(request: IncomingMessage, fallbackHost: string): URL | undefined {
  const target = request.url ?? '/';
  const hostHeader = request.headers.host;
  const host = hostHeader === undefined || hostHeader === '' ? fallbackHost : hostHeader;
  if (!URL.canParse(`http://${host}/`)) return undefined;
  const base = new URL(`http://${host}/`);
  // Origin-form is appended as is, so `//x` stays a path and does not become a host.
  const candidate = target.startsWith('/') ? `${base.origin}${target}` : target;
  if (!URL.canParse(candidate)) return undefined;
  const url = new URL(candidate);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/** Answers a request the HTTP parser refused (bad request line or header) and closes its socket. */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({ error: { code: 'bad_request', message: 'Malformed HTTP request' } });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The local stand-in for API Gateway: an HTTP server that matches requests to
 * topology routes, builds the v2 event, and invokes the route's handler.
 */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const matcher = new RouteMatcher(options.routes);
  const host = options.host ?? '127.0.0.1';

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = requestUrl(request, host);
    const method = request.method ?? 'GET';
    if (url === undefined) {
      request.resume();
      sendError(response, 400, 'bad_request', 'The request target or Host header is not a valid URL');
      return;
    }
    const started = performance.now();
    response.once('finish', () =>
      options.onRequest?.({
        method,
        path: url.pathname,
        status: response.statusCode,
        ms: performance.now() - started,
      }),
    );
    const match = matcher.match(method, url.pathname);
    if ('malformedParameter' in match) {
      request.resume();
      sendError(
        response,
        400,
        'bad_request',
        `Path parameter ${match.malformedParameter} is not valid percent-encoding`,
      );
      return;
    }
    if ('methodNotAllowed' in match) {
      request.resume();
      if (
        options.consoleDir !== undefined &&
        !match.methodNotAllowed &&
        (method === 'GET' || method === 'HEAD') &&
        !url.pathname.startsWith('//') &&
        !isApiPath(url.pathname)
      ) {
        await serveConsole(options.consoleDir, url.pathname, method, response);
        return;
      }
      if (match.methodNotAllowed)
        sendError(response, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`);
      else sendError(response, 404, 'not_found', `No route for ${method} ${url.pathname}`);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(request, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        response.setHeader('connection', 'close');
        sendError(response, 413, 'payload_too_large', `Request body exceeds ${options.maxBodyBytes} bytes`);
        request.resume();
      } else {
        response.destroy();
      }
      return;
    }
    try {
      const handler = await loadHandler<RouteHandler>(options.root, match.entry.handler);
      const event = toApiGatewayEvent(request, url, body, match);
      const context = createLambdaContext(
        match.routeKey,
        match.entry.timeoutSeconds ?? 10,
        match.entry.memoryMb,
      );
      if (isStreaming(handler)) await serveStream(handler, event, context, response);
      else writeResult(response, await handler(event, context));
    } catch (error) {
      // API Gateway answers 500 when the function itself fails; the kit makes this rare.
      console.error(`[local] ${match.routeKey} failed:`, error);
      if (!response.headersSent) sendError(response, 500, 'internal_error', 'Internal error');
      else response.destroy();
    }
  };

  // One request never stops the server: whatever escapes `serve` ends that response only.
  const server: Server = createServer((request, response) => {
    response.on('error', () => response.destroy());
    serve(request, response).catch((error: unknown) => {
      console.error('[local] request failed outside its handler:', error);
      if (!response.headersSent) sendError(response, 500, 'internal_error', 'Internal error');
      else response.destroy();
    });
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests in flight get a grace period; idle keep-alive sockets go now.
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
