import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashEmbedding } from '../../../shared/documents/embeddings/offline-embedder.ts';

/** One `POST /v1/embeddings` the double received. */
export interface RecordedEmbeddingsRequest {
  authorized: boolean;
  model: string | undefined;
  input: string[];
  dimensions: number | undefined;
  encodingFormat: string | undefined;
  status: number;
}

/** A scripted answer: an HTTP error status, or vectors of the wrong size. */
export type EmbeddingsScript = { status: number } | { wrongDimensions: number };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * An OpenAI-compatible embeddings endpoint on 127.0.0.1: answers
 * `POST /v1/embeddings` with deterministic vectors of the requested
 * `dimensions` (in `data[].index` order reversed, as a reminder that clients
 * must sort by index), or with the next scripted failure. Records every call.
 */
export class FakeEmbeddingsServer {
  readonly requests: RecordedEmbeddingsRequest[] = [];
  readonly script: EmbeddingsScript[] = [];
  private server: Server | undefined;

  constructor(readonly apiKey = 'sk-fake-embeddings') {}

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('not started');
    return `http://127.0.0.1:${address.port}/v1`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void (async () => {
        const body = JSON.parse((await readBody(req)) || '{}') as {
          model?: string;
          input?: string | string[];
          dimensions?: number;
          encoding_format?: string;
        };
        const input = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
        const authorized = req.headers.authorization === `Bearer ${this.apiKey}`;
        const next = authorized && req.url === '/v1/embeddings' ? this.script.shift() : undefined;
        const status = !authorized
          ? 401
          : req.url !== '/v1/embeddings'
            ? 404
            : next && 'status' in next
              ? next.status
              : 200;
        this.requests.push({
          authorized,
          model: body.model,
          input,
          dimensions: body.dimensions,
          encodingFormat: body.encoding_format,
          status,
        });
        res.setHeader('content-type', 'application/json');
        if (status !== 200) {
          if (status === 429) res.setHeader('retry-after-ms', '5');
          res.statusCode = status;
          res.end(
            JSON.stringify({ error: { message: `status ${status}`, type: 'server_error', code: null } }),
          );
          return;
        }
        const size = next && 'wrongDimensions' in next ? next.wrongDimensions : (body.dimensions ?? 1536);
        const data = input.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: hashEmbedding(text, size),
        }));
        res.end(
          JSON.stringify({
            object: 'list',
            model: body.model,
            data: data.reverse(),
            usage: { prompt_tokens: input.length, total_tokens: input.length },
          }),
        );
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
