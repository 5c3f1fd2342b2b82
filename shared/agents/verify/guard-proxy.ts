/**
 * An HTTP proxy on 127.0.0.1 through which the verify run's Chromium makes
 * every request, so the generated tests meet the crawler's SSRF rules: plain
 * HTTP requests are fetched with the crawler's {@link guardedFetch} (the
 * target resolved and checked, the connection made to the checked address,
 * redirects not followed), and `CONNECT` tunnels (HTTPS, WebSockets) go to the
 * address {@link NetworkGuard.resolve} checked. A refused target answers 403
 * and is recorded.
 *
 * @module
 */
import { chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { guardedFetch, type NetworkGuard, TargetRefusedError } from '../../crawl/network.ts';

/** A running proxy. */
export interface GuardProxy {
  /** `http://127.0.0.1:<port>`, or `unix:<path>` when it listens on a Unix socket. */
  readonly url: string;
  /** Targets refused, `url: reason`, in order. */
  readonly refused: readonly string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The address a `CONNECT host:port` tunnel goes to: checked as `https://` (TLS,
 * `wss:`), else as `http://` (Chromium tunnels plain `ws:` through an HTTP
 * proxy too). The first refusal is thrown when both are refused.
 */
async function resolveTunnel(guard: NetworkGuard, authority: string): Promise<{ address: string }> {
  try {
    return await guard.resolve(`https://${authority}/`);
  } catch (first) {
    try {
      return await guard.resolve(`http://${authority}/`);
    } catch {
      throw first;
    }
  }
}

/**
 * Starts a proxy over `guard`; each response body is cut at `maxBytes`, each
 * fetch at `timeoutMs`. It listens on an ephemeral port of 127.0.0.1, or on
 * the Unix socket `socketPath` (mode 0666: the sandboxed runner connects to it
 * from its own network namespace).
 */
export async function startGuardProxy(
  guard: NetworkGuard,
  options: { timeoutMs: number; maxBytes: number; socketPath?: string },
): Promise<GuardProxy> {
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    const target = req.url ?? '';
    try {
      if (!/^https?:\/\//i.test(target)) throw new TargetRefusedError(target, 'not a proxy request');
      const body = await readBody(req, options.maxBytes);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name.startsWith('proxy-')) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const response = await guardedFetch(guard, {
        url: target,
        method: req.method ?? 'GET',
        headers,
        body: body.length > 0 ? body : null,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
      });
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        out[name] = name === 'set-cookie' ? value.split('\n') : value;
      }
      out['content-length'] = String(response.body.length);
      res.writeHead(response.status, response.statusText, out);
      res.end(response.body);
    } catch (error) {
      if (error instanceof TargetRefusedError) refused.push(`${error.url}: ${error.reason}`);
      if (!res.headersSent) {
        res.writeHead(error instanceof TargetRefusedError ? 403 : 502, { 'content-type': 'text/plain' });
      }
      res.end(error instanceof Error ? error.message : String(error));
    }
  });
  server.on('connect', async (req: IncomingMessage, client: Socket, head: Buffer) => {
    const authority = req.url ?? '';
    client.on('error', () => undefined);
    try {
      const { port } = new URL(`https://${authority}`);
      const { address } = await resolveTunnel(guard, authority);
      const upstream = connect({ host: address, port: Number(port || 443) });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      upstream.on('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
    } catch (error) {
      if (error instanceof TargetRefusedError) refused.push(`${error.url}: ${error.reason}`);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (options.socketPath) server.listen(options.socketPath, () => resolve());
    else server.listen(0, '127.0.0.1', () => resolve());
  });
  let url: string;
  if (options.socketPath) {
    await chmod(options.socketPath, 0o666);
    url = `unix:${options.socketPath}`;
  } else {
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    url,
    refused,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
