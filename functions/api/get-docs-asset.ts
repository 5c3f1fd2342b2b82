import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocsAsset } from '../contracts/docs.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

const contentTypes: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  png: 'image/png',
};

const cache = new Map<string, Buffer>();

function load(asset: string): Buffer {
  let content = cache.get(asset);
  if (!content) {
    content = asset === 'docs-init.js' ? Buffer.from(init) : readFileSync(join(swaggerDir, asset));
    cache.set(asset, content);
  }
  return content;
}

export const handler = httpHandler(getDocsAsset, async ({ params }) => {
  const type = contentTypes[params.asset.split('.').pop() ?? ''] ?? 'application/octet-stream';
  return new HttpResponse(200, load(params.asset), {
    'content-type': type,
    'cache-control': 'public, max-age=3600',
  });
});
