import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GuardProxy, startGuardProxy } from '../../../../shared/agents/verify/guard-proxy.ts';
import { parseAllowedHosts } from '../../../../shared/crawl/address.ts';
import { createNetworkGuard } from '../../../../shared/crawl/network.ts';
import { type CrawlSite, startCrawlSite } from '../../../support/crawl-site.ts';
import { startRequestCounter } from '../../../support/request-counter.ts';

// The proxy the verify run's Chromium goes through: the crawler's SSRF guard for plain requests and tunnels.
let site: CrawlSite;
let victim: Awaited<ReturnType<typeof startRequestCounter>>;
let proxy: GuardProxy;

beforeAll(async () => {
  site = await startCrawlSite();
  victim = await startRequestCounter('127.0.0.2');
  const guard = createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${site.port}`) });
  proxy = await startGuardProxy(guard, { timeoutMs: 5000, maxBytes: 1024 * 1024 });
});
afterAll(async () => {
  await proxy?.close();
  await site?.stop();
  await victim?.stop();
});

function viaProxy(url: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        path: url,
        method: 'GET',
        headers: { host: new URL(url).host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function tunnel(authority: string): Promise<string> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\r\n\r\n')) {
        if (data.startsWith('HTTP/1.1 200')) {
          // Speak plain HTTP through the tunnel to show it reaches the site.
          if (!data.includes('HTTP/1.1 200 OK'))
            socket.write(`GET /about HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
        } else {
          socket.destroy();
          resolve(data);
        }
      }
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('the verify proxy', () => {
  it('fetches allowed pages and refuses other hosts before connecting', async () => {
    const ok = await viaProxy(`${site.origin}/about`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<h1>About us</h1>');
    const refused = await viaProxy(`${victim.origin}/secret`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/loopback address \(127\.0\.0\.2\), which is not allowed/);
    expect(proxy.refused).toEqual([expect.stringContaining(`${victim.origin}/secret`)]);
  });

  it('tunnels CONNECT only to allowed targets', async () => {
    const allowed = await tunnel(`127.0.0.1:${site.port}`);
    expect(allowed).toContain('HTTP/1.1 200 Connection Established');
    expect(allowed).toContain('<h1>About us</h1>');
    const refused = await tunnel(`127.0.0.2:${victim.port}`);
    expect(refused).toMatch(/^HTTP\/1\.1 403/);
    expect(victim.connections()).toBe(0);
  });
});
