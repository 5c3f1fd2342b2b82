import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CrawlSettings } from '../../shared/crawl/crawler.ts';

/**
 * A small web application to crawl, served by node:http on 127.0.0.1 only.
 * It has what crawls meet in the wild: a client-rendered page, forms with
 * labels, duplicate buttons, mailto/tel/javascript links, an off-scope link
 * to 127.0.0.2 (loopback, but not on the allow list), redirects in and out of
 * scope, a 404, a page that never answers, a 10 MB page, PDF and JSON
 * documents, an infinite `?page=N` calendar, robots.txt, and a login.
 * `catalogue` adds that many extra product pages (the benchmark's ≥ 200).
 * `app` links two pages an agent run writes tests for (issue 18): a sign-in
 * form that validates its input (HTML required/type/minlength, and on the
 * server: an error alert and 422/401 for bad input) and an orders list with
 * a filter form.
 */
export interface CrawlSite {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Paths requested, in order (robots.txt included). */
  requests: string[];
  stop(): Promise<void>;
}

export const SITE_PASSWORD = 'correct horse battery staple';

const layout = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'text/html; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The orders of the list page (`app`). */
export const SITE_ORDERS = [
  { number: 'A-1001', status: 'Open', total: '12.50' },
  { number: 'A-1002', status: 'Shipped', total: '8.00' },
  { number: 'A-1003', status: 'Open', total: '30.10' },
  { number: 'A-1004', status: 'Cancelled', total: '4.99' },
] as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(error: string | null, email: string): string {
  return layout(
    'Sign in',
    `<main><h1>Sign in to your account</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/signin" id="signin-form">
  <label for="signin-email">Email address</label><input id="signin-email" name="email" type="email" required value="${escapeHtml(email)}">
  <label for="signin-password">Password</label><input id="signin-password" name="password" type="password" required minlength="8">
  <label><input type="checkbox" name="remember"> Remember me</label>
  <button type="submit">Sign in</button>
</form><a href="/">Back to the shop</a></main>`,
  );
}

function ordersPage(status: string, query: string): string {
  const rows = SITE_ORDERS.filter(
    (o) => (status === '' || status === 'All' || o.status === status) && o.number.includes(query.trim()),
  );
  const options = ['All', 'Open', 'Shipped', 'Cancelled']
    .map((o) => `<option${o === status ? ' selected' : ''}>${o}</option>`)
    .join('');
  return layout(
    'Orders',
    `<main><h1>Your orders</h1>
<form method="get" action="/orders" id="order-filter">
  <label for="order-status">Status</label><select id="order-status" name="status">${options}</select>
  <label for="order-number">Order number</label><input id="order-number" name="q" type="search" value="${escapeHtml(query)}">
  <button type="submit">Filter orders</button>
</form>
<table><thead><tr><th>Order</th><th>Status</th><th>Total</th></tr></thead><tbody>
${rows.map((o) => `<tr><td>${o.number}</td><td>${o.status}</td><td>${o.total}</td></tr>`).join('\n')}
</tbody></table><p>${rows.length} orders</p><a href="/">Back to the shop</a></main>`,
  );
}

function home(port: number, catalogue: number, app = false): string {
  const products =
    catalogue > 0
      ? `<h2>Catalogue</h2><ul>${Array.from({ length: Math.min(catalogue, 20) }, (_, i) => `<li><a href="/catalogue/${i}">Product ${i}</a></li>`).join('')}</ul><a href="/catalogue/index/0">All products</a>`
      : '';
  return layout(
    'Shop home',
    `<header><nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/about#team">Team</a> <a href="/contact">Contact</a> <a href="/spa">Dashboard</a></nav></header>
<main><h1>Welcome to the shop</h1>
<p><a href="mailto:help@example.com">Mail us</a> <a href="tel:+441234567">Call us</a> <a href="javascript:void(0)">Do nothing</a></p>
<p><a href="http://127.0.0.2:${port}/elsewhere">Partner site</a> <a href="/go/out">Leave</a> <a href="/go/in">Short link to about</a></p>
<p><a href="/calendar?page=1">Calendar</a> <a href="/missing">Broken link</a> <a href="/private/area">Private</a></p>
<p><a href="/files/report.pdf">Report (PDF)</a> <a href="/api/data.json">Data</a> <a href="/embeds">Embeds</a></p>
<button type="button">Subscribe</button> <button type="button" data-testid="cart-button">Cart</button>
${app ? '<p><a href="/signin">Sign in</a> <a href="/orders">Orders</a></p>' : ''}
${products}</main>`,
  );
}

/** Starts the site; stop it at the end of the test. */
export async function startCrawlSite(
  options: { catalogue?: number; victim?: string; app?: boolean } = {},
): Promise<CrawlSite> {
  const catalogue = options.catalogue ?? 0;
  const app = options.app ?? false;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${url.pathname}${url.search}`);
    const signedIn = (req.headers.cookie ?? '').includes('session=ok');
    const path = url.pathname;
    if (path === '/robots.txt') return send(res, 200, 'User-agent: *\nDisallow: /private/\n', 'text/plain');
    if (path === '/') return send(res, 200, home(port, catalogue, app));
    if (app && path === '/signin' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      const email = form.get('email') ?? '';
      const password = form.get('password') ?? '';
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        return send(res, 422, signInPage('Enter a valid email address', email));
      if (password.length < 8)
        return send(res, 422, signInPage('The password has at least 8 characters', email));
      if (password !== SITE_PASSWORD) return send(res, 401, signInPage('Wrong email or password', email));
      res.writeHead(303, { location: '/account', 'set-cookie': 'session=ok; Path=/; HttpOnly' });
      return res.end();
    }
    if (app && path === '/signin') return send(res, 200, signInPage(null, ''));
    if (app && path === '/orders')
      return send(
        res,
        200,
        ordersPage(url.searchParams.get('status') ?? '', url.searchParams.get('q') ?? ''),
      );
    if (path === '/about')
      return send(
        res,
        200,
        layout(
          'About us',
          `<h1>About us</h1><h2 id="team">Team</h2><h3>Founders</h3>
<ul><li>Ada <button type="button">Delete</button></li><li>Grace <button type="button">Delete</button></li></ul>
<button id="save-about" type="button">Save</button><button type="button" class="x">Save</button>
<a href="/">Back home</a>`,
        ),
      );
    if (path === '/contact')
      return send(
        res,
        200,
        layout(
          'Contact',
          `<h1>Contact us</h1>
<form action="/contact" method="post" id="contact-form">
  <label for="email">Email</label><input id="email" name="email" type="email" required>
  <label>Topic <select name="topic"><option>Sales</option><option>Support</option></select></label>
  <label for="msg">Message</label><textarea id="msg" name="message"></textarea>
  <input type="hidden" name="csrf" value="x">
  <button type="submit">Send message</button>
</form>
<form action="/search" method="get" role="search"><input name="q" aria-label="Search" type="search"><button>Search</button></form>`,
        ),
      );
    if (path === '/spa')
      return send(
        res,
        200,
        layout(
          'Dashboard',
          `<h1>Dashboard</h1><div id="app">Loading…</div>
<script>fetch('/api/widgets').then(r => r.json()).then(items => {
  document.getElementById('app').innerHTML = items.map(i => '<a href="/widgets/' + i + '">Widget ' + i + '</a>').join(' ');
});</script>`,
        ),
      );
    if (path === '/embeds') {
      // Sub-resources, a frame, a fetch, a redirecting image and a WebSocket, all aimed at `victim`.
      const victim = options.victim ?? 'http://127.0.0.2:9';
      const ws = victim.replace(/^http/, 'ws');
      return send(
        res,
        200,
        layout(
          'Embeds',
          `<h1>Embeds</h1><img src="${victim}/pixel.png" alt="pixel"><img src="/go/pixel" alt="redirected pixel">
<iframe src="${victim}/frame" title="frame"></iframe><link rel="preconnect" href="${victim}">
<script>fetch('${victim}/api').catch(() => {}); try { new WebSocket('${ws}/ws'); } catch (e) {}</script>`,
        ),
      );
    }
    if (path === '/go/pixel') {
      res.writeHead(302, { location: `${options.victim ?? 'http://127.0.0.2:9'}/redirected.png` });
      return res.end();
    }
    if (path === '/api/widgets') {
      setTimeout(() => send(res, 200, JSON.stringify([1, 2]), 'application/json'), 150);
      return;
    }
    if (path.startsWith('/widgets/'))
      return send(
        res,
        200,
        layout(`Widget ${path.slice(9)}`, `<h1>Widget ${path.slice(9)}</h1><a href="/spa">Back</a>`),
      );
    if (path === '/calendar') {
      const n = Number(url.searchParams.get('page') ?? '1');
      return send(
        res,
        200,
        layout(`Calendar ${n}`, `<h1>Page ${n}</h1><a href="/calendar?page=${n + 1}">Next</a>`),
      );
    }
    if (path === '/go/out') {
      res.writeHead(302, { location: `http://127.0.0.2:${port}/landing` });
      return res.end();
    }
    if (path === '/go/in') {
      res.writeHead(301, { location: '/about' });
      return res.end();
    }
    if (path === '/files/report.pdf')
      return send(res, 200, Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf');
    if (path === '/api/data.json') return send(res, 200, '{"ok":true}', 'application/json');
    if (path === '/never') return; // never answers
    if (path === '/big') {
      const row = `<p>${'x'.repeat(1000)}</p>\n`;
      return send(res, 200, layout('Big', row.repeat(10_500)));
    }
    if (path === '/login' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (form.get('password') === SITE_PASSWORD) {
        res.writeHead(303, { location: '/account', 'set-cookie': 'session=ok; Path=/; HttpOnly' });
        return res.end();
      }
      return send(
        res,
        401,
        layout(
          'Sign in',
          `<p role="alert">Wrong password</p><form method="post" action="/login"><label for="user">User</label><input id="user" name="user"><label for="pw">Password</label><input id="pw" name="password" type="password"><button type="submit">Sign in</button></form>`,
        ),
      );
    }
    if (path === '/login')
      return send(
        res,
        200,
        layout(
          'Sign in',
          `<h1>Sign in</h1><form method="post" action="/login"><label for="user">User</label><input id="user" name="user"><label for="pw">Password</label><input id="pw" name="password" type="password"><button type="submit">Sign in</button></form>`,
        ),
      );
    if (path === '/account') {
      if (!signedIn) {
        res.writeHead(302, { location: '/login' });
        return res.end();
      }
      return send(
        res,
        200,
        layout(
          'Account',
          `<h1>Your account</h1><a href="/account/orders">Orders</a> <a href="/logout">Log out</a> <a href="/users/sign-out">Sign out</a>`,
        ),
      );
    }
    if (path === '/account/orders')
      return send(
        res,
        signedIn ? 200 : 403,
        layout('Orders', `<h1>${signedIn ? 'Your orders' : 'Forbidden'}</h1>`),
      );
    if (path === '/logout') {
      res.writeHead(302, { location: '/', 'set-cookie': 'session=; Path=/; Max-Age=0' });
      return res.end();
    }
    if (path.startsWith('/catalogue/index/')) {
      const start = Number(path.slice('/catalogue/index/'.length));
      const links = Array.from({ length: 20 }, (_, i) => start + i)
        .filter((i) => i < catalogue)
        .map((i) => `<li><a href="/catalogue/${i}">Product ${i}</a></li>`)
        .join('');
      const next = start + 20 < catalogue ? `<a href="/catalogue/index/${start + 20}">Next page</a>` : '';
      return send(res, 200, layout(`Products from ${start}`, `<h1>Products</h1><ul>${links}</ul>${next}`));
    }
    if (path.startsWith('/catalogue/')) {
      const i = Number(path.slice('/catalogue/'.length));
      if (!Number.isInteger(i) || i >= catalogue)
        return send(res, 404, layout('Not found', '<h1>Not found</h1>'));
      return send(
        res,
        200,
        layout(
          `Product ${i}`,
          `<h1>Product ${i}</h1><h2>Details</h2><p>Item number ${i}.</p>
<form action="/cart" method="post"><label for="qty-${i}">Quantity</label><input id="qty-${i}" name="qty" type="number" min="1" required>
<label><input type="checkbox" name="gift"> Gift wrap</label><button type="submit">Add to cart</button></form>
<button type="button" data-testid="wishlist">Add to wishlist</button><button type="button">Share</button><button type="button">Share</button>
<a href="/catalogue/${(i + 1) % catalogue}">Next product</a> <a href="/catalogue/${(i + 7) % catalogue}">Related</a> <a href="/">Home</a>`,
        ),
      );
    }
    return send(res, 404, layout('Not found', '<h1>Page not found</h1><a href="/">Home</a>'));
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Settings of a crawl of `site` from its home page: no delay, the endless and broken pages excluded. */
export function siteCrawlSettings(
  site: Pick<CrawlSite, 'origin'>,
  overrides: Partial<CrawlSettings> = {},
): CrawlSettings {
  return {
    startUrl: `${site.origin}/`,
    maxPages: 30,
    maxDepth: 3,
    scope: 'same-origin',
    loginSteps: [],
    exclude: ['/calendar*', '/never', '/big'],
    respectRobotsTxt: true,
    pageTimeoutMs: 15_000,
    settleMs: 1_000,
    delayMs: 0,
    maxDurationMs: 600_000,
    maxResponseBytes: 5 * 1024 * 1024,
    ...overrides,
  };
}
