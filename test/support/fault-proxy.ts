import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer the proxy gives instead of the target's. */
export interface InjectedFault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Forward the request first (the target acts on it), then answer with the fault: a lost answer. */
  forward?: boolean;
}

/** A reverse proxy on 127.0.0.1 that answers chosen requests with injected faults. */
export interface FaultProxy {
  url: string;
  /** `METHOD /path` of every request received, in order. */
  requests(): string[];
  /** Answers the next requests to `method path` (`*`: any path) with `faults`, one each, then forwards again. */
  inject(method: string, path: string, faults: InjectedFault[]): void;
  /** Rewrites every forwarded answer's body (e.g. to point URLs in it at another proxy). */
  rewrite(transform: ((body: string) => string) | undefined): void;
  close(): Promise<void>;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts a proxy in front of `target` (an http://127.0.0.1 origin). Requests
 * are forwarded byte for byte with their own `Host` header, unless
 * `options.targetHost`: then with the target's, as a reverse proxy in front of
 * the object store must forward them so that URLs presigned for the store
 * (their `host` is signed) still verify when a client is pointed at the proxy.
 */
export async function startFaultProxy(
  target: string,
  options: { targetHost?: boolean } = {},
): Promise<FaultProxy> {
  const origin = new URL(target);
  const seen: string[] = [];
  const pending = new Map<string, InjectedFault[]>();
  let transform: ((body: string) => string) | undefined;

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const out = request(
        {
          host: origin.hostname,
          port: origin.port,
          method: req.method,
          path: req.url,
          headers: {
            ...req.headers,
            ...(options.targetHost ? { host: origin.host } : {}),
            'content-length': String(body.length),
          },
        },
        async (res) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (
              typeof value === 'string' &&
              !['content-length', 'transfer-encoding', 'connection'].includes(name)
            ) {
              headers[name] = value;
            }
          }
          resolve({ status: res.statusCode ?? 502, headers, body: await readBody(res) });
        },
      );
      out.once('error', reject);
      out.end(body);
    });

  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    seen.push(`${req.method} ${path}`);
    const body = await readBody(req);
    const fault = (pending.get(`${req.method} ${path}`) ?? pending.get(`${req.method} *`))?.shift();
    try {
      if (fault?.forward) await forward(req, body);
      if (fault) {
        res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
        return;
      }
      const answer = await forward(req, body);
      const text = transform ? Buffer.from(transform(answer.body.toString('utf8'))) : answer.body;
      res.writeHead(answer.status, answer.headers).end(text);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...seen],
    inject: (method, path, faults) => pending.set(`${method} ${path}`, [...faults]),
    rewrite: (next) => {
      transform = next;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
