import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiError, chatCompletion, estimateTokens, type FakeUsage } from './completion.ts';
import { type ChatMessageLike, echoExtracted, messageText } from './default-responder.ts';

export interface FakeOpenAiOptions {
  /** The key clients must send as `Authorization: Bearer <key>` (default a random `sk-fake-…`). */
  apiKey?: string;
  /** Largest request body accepted, in bytes (default 4 MiB). */
  maxBodyBytes?: number;
}

/** One chat-completion request the double received. The Authorization header itself is never kept. */
export interface RecordedChatRequest {
  method: string;
  path: string;
  /** Whether the bearer token matched. Unauthorized requests get a 401 and consume nothing from the queue. */
  authorized: boolean;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined;
  model: string | undefined;
  messages: ChatMessageLike[];
  /** `response_format` as sent. */
  responseFormat: unknown;
  /** HTTP status the double answered with. */
  status?: number;
}

/** A successful completion. */
export interface FakeCompletionReply {
  content: string | null;
  refusal?: string | null;
  /** Default `stop`. */
  finishReason?: string;
  usage?: Partial<Pick<FakeUsage, 'prompt_tokens' | 'completion_tokens'>>;
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number;
}

/** A raw HTTP answer, e.g. `{ status: 500 }` or `{ status: 429, headers: { 'retry-after-ms': '10' } }`. */
export interface FakeHttpReply {
  status: number;
  /** JSON-serialized unless a string; default the OpenAI error envelope for the status. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A string is the message content of a successful completion. */
export type FakeReply = string | FakeCompletionReply | FakeHttpReply;
/** A scripted reply, or a function of the request producing one. */
export type FakeScript = FakeReply | ((request: RecordedChatRequest) => FakeReply | Promise<FakeReply>);

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const COMPLETION_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

function defaultErrorBody(status: number): unknown {
  if (status === 429) return apiError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded');
  if (status === 401)
    return apiError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
  if (status >= 500)
    return apiError('The server had an error while processing your request.', 'server_error', null);
  return apiError(`Request failed with status ${status}`, 'invalid_request_error', null);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * An OpenAI-compatible HTTP double on 127.0.0.1 (ephemeral port) serving
 * `POST /v1/chat/completions` (and `/chat/completions`, for base URLs without
 * `/v1`). Answers come from a scripted queue ({@link enqueue}); with an empty
 * queue the default responder answers (by default: echo the extracted items
 * as `origin: extracted`). Every request is recorded.
 */
export class FakeOpenAi {
  readonly apiKey: string;
  readonly requests: RecordedChatRequest[] = [];
  private readonly maxBodyBytes: number;
  private readonly queue: FakeScript[] = [];
  private defaultScript: FakeScript = (request) => echoExtracted(request.messages);
  private server: Server | undefined;
  private port = 0;
  private sequence = 0;

  constructor(options: FakeOpenAiOptions = {}) {
    this.apiKey = options.apiKey ?? `sk-fake-${randomBytes(12).toString('hex')}`;
    this.maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  }

  /** `http://127.0.0.1:<port>/v1`, what the SDK's `baseURL` expects. */
  get baseUrl(): string {
    return `${this.rootUrl}/v1`;
  }

  /** `http://127.0.0.1:<port>`, a base URL without `/v1`. */
  get rootUrl(): string {
    if (!this.server) throw new Error('FakeOpenAi is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replies not consumed yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** Requests that were authorized (the ones that consumed a reply). */
  get completionRequests(): RecordedChatRequest[] {
    return this.requests.filter((r) => r.authorized);
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.sendJson(res, 500, apiError(String(error), 'server_error', null));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues replies, consumed one per authorized request, in order. */
  enqueue(...scripts: FakeScript[]): this {
    this.queue.push(...scripts);
    return this;
  }

  /** The reply used when the queue is empty. */
  setDefault(script: FakeScript): this {
    this.defaultScript = script;
    return this;
  }

  /** Forgets recorded requests and queued replies; restores the echoing default. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.defaultScript = (request) => echoExtracted(request.messages);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!COMPLETION_PATHS.has(path)) {
      await this.readBody(req).catch(() => undefined);
      this.sendJson(
        res,
        404,
        apiError(`Unknown request URL: ${req.method} ${path}`, 'invalid_request_error', 'unknown_url'),
      );
      return;
    }
    if (req.method !== 'POST') {
      this.sendJson(res, 405, apiError(`Method ${req.method} not allowed`, 'invalid_request_error', null));
      return;
    }
    const record: RecordedChatRequest = {
      method: req.method,
      path,
      authorized: req.headers.authorization === `Bearer ${this.apiKey}`,
      body: undefined,
      model: undefined,
      messages: [],
      responseFormat: undefined,
    };
    this.requests.push(record);
    try {
      const raw = await this.readBody(req);
      if (!record.authorized) throw new HttpProblem(401, defaultErrorBody(401));
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw new HttpProblem(
          400,
          apiError('We could not parse the JSON body of your request.', 'invalid_request_error', null),
        );
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpProblem(
          400,
          apiError('The body must be a JSON object.', 'invalid_request_error', null),
        );
      }
      const json = body as Record<string, unknown>;
      record.body = json;
      record.model = typeof json.model === 'string' ? json.model : undefined;
      record.messages = Array.isArray(json.messages) ? (json.messages as ChatMessageLike[]) : [];
      record.responseFormat = json.response_format;
      if (!record.model)
        throw new HttpProblem(
          400,
          apiError('you must provide a model parameter', 'invalid_request_error', null, 'model'),
        );
      if (record.messages.length === 0) {
        throw new HttpProblem(
          400,
          apiError("'messages' must contain at least one message", 'invalid_request_error', null, 'messages'),
        );
      }
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      record.status = error.status;
      this.sendJson(res, error.status, error.body);
      return;
    }

    const script = this.queue.shift() ?? this.defaultScript;
    const reply = typeof script === 'function' ? await script(record) : script;
    const normalized: FakeCompletionReply | FakeHttpReply =
      typeof reply === 'string' ? { content: reply } : reply;
    if (normalized.delayMs) {
      await sleep(normalized.delayMs);
      if (res.destroyed || req.destroyed) {
        record.status = 0;
        return;
      }
    }
    if ('status' in normalized) {
      record.status = normalized.status;
      const body = normalized.body === undefined ? defaultErrorBody(normalized.status) : normalized.body;
      this.send(res, normalized.status, body, normalized.headers);
      return;
    }
    const promptText = record.messages.map((m) => messageText(m)).join('\n');
    const promptTokens = normalized.usage?.prompt_tokens ?? estimateTokens(promptText);
    const completionTokens =
      normalized.usage?.completion_tokens ?? estimateTokens(normalized.content ?? normalized.refusal ?? '');
    this.sequence += 1;
    record.status = 200;
    this.sendJson(
      res,
      200,
      chatCompletion({
        id: `chatcmpl-fake${String(this.sequence).padStart(6, '0')}`,
        created: Math.floor(Date.now() / 1000),
        model: record.model ?? 'unknown',
        content: normalized.content,
        refusal: normalized.refusal ?? null,
        finishReason: normalized.finishReason ?? 'stop',
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      }),
    );
  }

  private readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          reject(new HttpProblem(413, apiError('Request body too large', 'invalid_request_error', null)));
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    this.send(res, status, body);
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.headersSent) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': `req_fake_${randomBytes(8).toString('hex')}`,
      'openai-processing-ms': '1',
      ...headers,
    });
    res.end(text);
  }
}

/** Starts a {@link FakeOpenAi}. */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  return new FakeOpenAi(options).start();
}
