import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../infra/topology.ts';
import type { Topology } from '../../infra/topology.types.ts';
import { migrations } from '../../migrations/index.ts';
import { apiEvent } from '../support/lambda-events.ts';
import { invokeBundle } from './support/invoke-bundle.ts';
import { referencedId, resourcesOfType, type Synthesized, synthesize } from './support/synth.ts';
import { functionFor } from './support/template-queries.ts';

/**
 * The deployable app exactly as `npm run synth` builds it: the real topology,
 * the real migration handler, cdk.json context, cdk-nag on, local esbuild.
 */
const real: Topology = topology;
let s: Synthesized;

// Bundling every function (the crawler ships Chromium's package beside its bundle) takes minutes on a busy machine.
beforeAll(async () => {
  s = await synthesize({ topology: real });
}, 300_000);
afterAll(() => s?.dispose());

/** API handlers stay under 1 MB minified (the AWS SDK comes from the Lambda runtime). */
const API_BUNDLE_BUDGET_BYTES = 1_000_000;

/** Environment a deployed function gets, with values that need no AWS to load. */
const LAMBDA_ENV = {
  ASSAY_RUNTIME: 'aws',
  ASSAY_LOG_LEVEL: 'SILENT',
  ASSAY_DB_HOST: 'proxy.invalid',
  ASSAY_DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db',
  ASSAY_S3_BUCKET: 'assay-artifacts',
};

const bundleOf = (key: keyof typeof real.routes) =>
  s.assetDir(functionFor(s.json, real.routes[key]!.handler)[0]);

describe('the deployable app', () => {
  it('keeps every stack well under CloudFormation’s limits (routes in nested stacks, shared roles and log groups)', () => {
    // Routes (4 resources each: function, integration, permission, route) live in one nested stack
    // per route group; the parent keeps the data tier, queues, consumers, workflows and schedules.
    expect(s.stacks.map((x) => x.name)).toEqual([
      'Assay',
      'Assay/RoutesEdge',
      'Assay/RoutesOrgs',
      'Assay/RoutesRepos',
    ]);
    console.table(s.stacks);
    for (const stack of s.stacks) {
      expect(stack.resources, `${stack.name}: resources (limit 500)`).toBeLessThanOrEqual(400);
      expect(stack.parameters, `${stack.name}: parameters (limit 200)`).toBeLessThanOrEqual(150);
    }
    const roles = resourcesOfType(s.json, 'AWS::IAM::Role').length;
    const functions = resourcesOfType(s.json, 'AWS::Lambda::Function').length;
    expect(roles).toBeLessThan(functions / 2);
  });

  it('synthesizes offline with every cdk-nag finding fixed or acknowledged', () => {
    expect(s.violations).toEqual([]);
  });

  it('needs no context lookups (no credentials): account, region and zones come from cdk.json', () => {
    const manifest = JSON.parse(readFileSync(join(s.outdir, 'manifest.json'), 'utf8')) as {
      missing?: unknown[];
    };
    expect(manifest.missing ?? []).toEqual([]);
    const stack = s.stack;
    expect([stack.account, stack.region, stack.availabilityZones]).toEqual([
      '000000000000',
      'us-east-1',
      ['us-east-1a', 'us-east-1b'],
    ]);
  });

  it('has one nodejs22.x function per route, and API routes matching the topology one-to-one', () => {
    for (const route of Object.values(real.routes)) {
      expect(functionFor(s.json, route.handler)[1].Properties?.Runtime).toBe('nodejs22.x');
    }
    const keys = resourcesOfType(s.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey);
    // Streamed routes (SSE) are served by a function URL, not through API Gateway.
    const apiRoutes = Object.entries(real.routes).filter(([, route]) => !route.stream);
    expect(apiRoutes.length).toBeLessThan(Object.keys(real.routes).length);
    expect(keys.sort()).toEqual(apiRoutes.map(([key]) => key).sort());
    expect(resourcesOfType(s.json, 'AWS::Lambda::Url')).toHaveLength(
      Object.keys(real.routes).length - apiRoutes.length,
    );
    expect(resourcesOfType(s.json, 'AWS::SQS::Queue')).toHaveLength(2 * Object.keys(real.queues).length);
  });

  it('bundles the real migration handler with every migration, run after the cluster is up', () => {
    const [id] = functionFor(s.json, 'infra/constructs/migration-handler.ts');
    const code = readFileSync(join(s.assetDir(id), 'index.mjs'), 'utf8');
    for (const name of Object.keys(migrations)) expect(code).toContain(name);
    const [, trigger] = resourcesOfType(s.json, 'Custom::Trigger')[0] ?? [];
    const cluster = resourcesOfType(s.json, 'AWS::RDS::DBCluster')[0]?.[0];
    expect([trigger?.DependsOn].flat()).toContain(cluster);
    const version = s.json.Resources[referencedId(trigger?.Properties?.HandlerArn) ?? ''];
    expect(referencedId(version?.Properties?.FunctionName)).toBe(id);
  });

  // Routes that embed a query carry the offline embedder's word vectors (README, Documents): ~8.9 MB.
  const EMBEDDING_ROUTES = new Set(['POST /api/v1/orgs/{org}/search']);
  const WORD_VECTORS_BUDGET_BYTES = 10_000_000;
  // Routes that check or retitle generated Playwright files (edits, promotion, approvals with an edit) carry
  // TypeScript's parser (~3.4 MB minified). Known cost: moving those checks behind a lazy import or into the
  // steps would bring them back under 1 MB.
  const TYPESCRIPT_PARSER_BUDGET_BYTES = 4_000_000;
  const parsesGeneratedCode = (route: string) =>
    /^(GET|PUT|POST) \/api\/v1\/orgs\/\{org\}\/agent-runs\/\{id\}\/(approvals|artifacts)/.test(route);

  it('keeps every API bundle within budget (sizes are printed)', () => {
    const sizes = Object.entries(real.routes).map(([key, route]) => {
      const dir = s.assetDir(functionFor(s.json, route.handler)[0]);
      return { route: key, minifiedBytes: statSync(join(dir, 'index.mjs')).size };
    });
    console.table(sizes);
    for (const { route, minifiedBytes } of sizes)
      expect(minifiedBytes, route).toBeLessThan(
        API_BUNDLE_BUDGET_BYTES +
          (EMBEDDING_ROUTES.has(route) ? WORD_VECTORS_BUDGET_BYTES : 0) +
          (parsesGeneratedCode(route) ? TYPESCRIPT_PARSER_BUDGET_BYTES : 0),
      );
  });

  it('runs the bundled GET /health as Lambda would load it', async () => {
    const result = await invokeBundle(
      bundleOf('GET /health'),
      apiEvent({ routeKey: 'GET /health' }),
      LAMBDA_ENV,
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ status: 'ok' });
  });

  it('runs the crawler on x86_64 with the memory, time and /tmp Chromium needs, its packages shipped beside it', () => {
    const [id, fn] = functionFor(s.json, real.queues.crawl!.handler!);
    expect(fn.Properties).toMatchObject({
      Architectures: ['x86_64'],
      MemorySize: 2048,
      Timeout: 900,
      EphemeralStorage: { Size: 2048 },
    });
    for (const name of ['@sparticuz/chromium', 'playwright-core'])
      expect(statSync(join(s.assetDir(id), 'node_modules', name, 'package.json')).isFile(), name).toBe(true);
    const rules = resourcesOfType(s.json, 'AWS::S3::Bucket').flatMap(
      ([, b]) => (b.Properties?.LifecycleConfiguration?.Rules ?? []) as Record<string, unknown>[],
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'expire-crawl-screenshots',
        ExpirationInDays: 90,
        TagFilters: [{ Key: 'assay-retention', Value: 'crawl-screenshot' }],
      }),
    );
  });

  it('serves swagger-ui files shipped beside the GET /docs/{asset} bundle', async () => {
    const event = apiEvent({ routeKey: 'GET /docs/{asset}', pathParameters: { asset: 'swagger-ui.css' } });
    const result = await invokeBundle(bundleOf('GET /docs/{asset}'), event, LAMBDA_ENV);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toMatch(/^text\/css/);
  });
});
