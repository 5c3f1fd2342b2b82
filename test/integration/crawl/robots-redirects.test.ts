import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowedHosts } from '../../../shared/crawl/address.ts';
import { fetchRobots, ROBOTS_MAX_REDIRECTS } from '../../../shared/crawl/crawler.ts';
import { createNetworkGuard } from '../../../shared/crawl/network.ts';

// robots.txt behind redirects (RFC 9309 §2.3.1.2), served on 127.0.0.1.
let server: Server;
let origin: string;
const requests: string[] = [];
/** Redirects after the first one: 4 makes five in all. */
let firstHop = 4;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    // /hops/N/robots.txt redirects N more times, alternating status codes and relative/absolute forms.
    const hops = /^\/hops\/(\d+)\/robots\.txt$/.exec(path);
    if (path === '/robots.txt') {
      res.writeHead(301, { location: `/hops/${firstHop}/robots.txt` }).end();
    } else if (hops) {
      const left = Number(hops[1]);
      if (left === 0) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
      } else {
        const status = [301, 302, 303, 307, 308][left % 5] ?? 302;
        const next = left % 2 === 0 ? `${origin}/hops/${left - 1}/robots.txt` : `../${left - 1}/robots.txt`;
        res.writeHead(status, { location: next }).end();
      }
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const guardFor = (port: string) =>
  createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${port}`) });

describe('robots.txt behind redirects', () => {
  it(`follows ${ROBOTS_MAX_REDIRECTS} same-origin redirects and applies the file it lands on`, async () => {
    const guard = guardFor(new URL(origin).port);
    requests.length = 0;
    const rules = await fetchRobots(guard, origin, { pageTimeoutMs: 5000 });
    expect(requests).toEqual([
      '/robots.txt',
      '/hops/4/robots.txt',
      '/hops/3/robots.txt',
      '/hops/2/robots.txt',
      '/hops/1/robots.txt',
      '/hops/0/robots.txt',
    ]);
    expect(rules.unreachable).toBeUndefined();
    expect(rules.allows(`${origin}/private/page`)).toBe(false);
    expect(rules.allows(`${origin}/public/page`)).toBe(true);
  });

  it('takes one redirect too many, or one off the origin, as no robots.txt (unavailable)', async () => {
    const guard = guardFor(new URL(origin).port);
    firstHop = 5;
    requests.length = 0;
    try {
      const tooMany = await fetchRobots(guard, origin, { pageTimeoutMs: 5000 });
      expect(tooMany.unreachable).toBeUndefined();
      expect(tooMany.allows(`${origin}/private/x`)).toBe(true);
      expect(requests).toHaveLength(ROBOTS_MAX_REDIRECTS + 1);
    } finally {
      firstHop = 4;
    }
    const offOrigin = createServer((_req, res) => {
      res.writeHead(301, { location: `${origin}/hops/0/robots.txt` }).end();
    });
    await new Promise<void>((resolve) => offOrigin.listen(0, '127.0.0.1', resolve));
    const other = `http://127.0.0.1:${(offOrigin.address() as AddressInfo).port}`;
    try {
      const rules = await fetchRobots(guardFor(new URL(other).port), other, { pageTimeoutMs: 5000 });
      expect(rules.unreachable).toBeUndefined();
      expect(rules.allows(`${other}/private/x`)).toBe(true);
    } finally {
      await new Promise((resolve) => offOrigin.close(resolve));
    }
  });

  it('a failed fetch is unreachable: nothing is crawled', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = String((closed.address() as AddressInfo).port);
    await new Promise((resolve) => closed.close(resolve));
    const rules = await fetchRobots(guardFor(port), `http://127.0.0.1:${port}`, { pageTimeoutMs: 2000 });
    expect(rules.unreachable).toBeDefined();
    expect(rules.allows(`http://127.0.0.1:${port}/`)).toBe(false);
  });
});
