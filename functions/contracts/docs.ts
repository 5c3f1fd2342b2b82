import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { defineRoute } from '../kit/route-contract.ts';

export const getOpenApi = defineRoute({
  route: 'GET /openapi.json',
  auth: 'public',
  summary: 'OpenAPI document',
  description: 'OpenAPI 3.1, generated from the zod schemas of every route.',
  tags: ['docs'],
  response: z.record(text(), z.unknown()),
});

export const getDocs = defineRoute({
  route: 'GET /docs',
  auth: 'public',
  summary: 'Interactive API documentation',
  tags: ['docs'],
  produces: 'text/html',
});

export const docsAssetNames = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'docs-init.js',
  'favicon-32x32.png',
] as const;

export const getDocsAsset = defineRoute({
  route: 'GET /docs/{asset}',
  auth: 'public',
  summary: 'Static asset of the documentation page',
  tags: ['docs'],
  params: z.object({ asset: z.enum(docsAssetNames) }),
  produces: 'application/octet-stream',
});
