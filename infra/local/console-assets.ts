/**
 * The local stand-in for the console's CloudFront distribution: serves the
 * console's static build (`console/dist`) for every GET that is not an API
 * path — a file of the build when one matches, else `index.html` (the
 * single-page app's fallback for page paths such as `/repos/acme/shop/pulls/7`).
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The console's Content-Security-Policy: its own scripts only; data from the
 * same origin and from the object store (uploads to presigned URLs,
 * screenshots), which is another origin locally and on AWS.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "connect-src 'self' http: https:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'content-security-policy': CONSOLE_CSP,
};

const NOT_BUILT = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Assay console not built</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build:console</code> (it runs at <code>npm ci</code>), then reload.</p></main></body></html>`;

async function fileAt(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

/** Serves `pathname` from the console build in `dir` (GET and HEAD). */
export async function serveConsole(
  dir: string,
  pathname: string,
  method: string,
  response: ServerResponse,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = '/';
  }
  const candidate = normalize(join(dir, decoded));
  const inside = candidate.startsWith(dir + sep);
  const asset = inside && !decoded.endsWith('/') ? await fileAt(candidate) : undefined;
  if (!asset && decoded.startsWith('/assets/')) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    response.end('Not found');
    return;
  }
  const file = asset ?? (await fileAt(join(dir, 'index.html')));
  if (!file) {
    response.writeHead(503, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
    response.end(method === 'HEAD' ? undefined : NOT_BUILT);
    return;
  }
  const hashed = asset !== undefined && decoded.startsWith('/assets/');
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream',
    'content-length': String(file.size),
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file.path)
    .on('error', () => response.destroy())
    .pipe(response);
}
