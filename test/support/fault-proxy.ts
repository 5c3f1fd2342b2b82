import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer the proxy gives instead of forwarding. */
export interface InjectedFault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A reverse proxy on 127.0.0.1 that answers the first requests to a path with injected faults. */
export interface FaultProxy {
  url: string;
  /** `METHOD /path` of every request received, in order. */
  requests(): string[];
  /** Answers the next requests to `method path` with `faults`, one each, then forwards again. */
  inject(method: string, path: string, faults: InjectedFault[]): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a proxy in front of `target` (an http://127.0.0.1 URL). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const seen: string[] = [];
  const pending = new Map<string, InjectedFault[]>();
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const key = `${req.method} ${path}`;
    seen.push(key);
    const body = await readBody(req);
    const fault = pending.get(key)?.shift();
    if (fault) {
      res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value);
    }
    try {
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const out = Buffer.from(await answer.arrayBuffer());
      const copied: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'content-length') {
          copied[name] = value;
        }
      });
      res.writeHead(answer.status, copied).end(out);
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
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
