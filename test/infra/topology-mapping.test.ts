import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerId, parseRouteKey, pascalCase } from '../../infra/constructs/naming.ts';
import { copyPackageCommands, packageClosure } from '../../infra/constructs/node-modules.ts';
import { checkVisibilityTimeout } from '../../infra/constructs/queue-with-dlq.ts';
import { readSettings } from '../../infra/constructs/settings.ts';
import {
  needsVpc,
  parseUse,
  planUses,
  queueUrlVariable,
  secretArnVariable,
} from '../../infra/constructs/uses.ts';
import {
  checkTaskPlaceholders,
  loadWorkflowDefinitions,
  placeholdersOf,
  taskRef,
} from '../../infra/constructs/workflow-definition.ts';
import { definition as agentDefinition } from './fixtures/workflows/agent.ts';
import { cdkJsonContext, projectRoot } from './support/synth.ts';

const fromContext = (context: Record<string, unknown>) => (key: string) => context[key];

describe('deployment settings', () => {
  it('reads the cdk.json context with defaults for the rest', () => {
    const settings = readSettings(fromContext(cdkJsonContext()));
    expect(settings).toMatchObject({
      stackName: 'Assay',
      account: '000000000000',
      region: 'us-east-1',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      natGateways: 1,
      interfaceEndpoints: true,
      database: { minCapacity: 0, maxCapacity: 4, autoPauseMinutes: 10 },
      throttle: { rateLimit: 50, burstLimit: 100 },
      rawReportExpiryDays: 30,
      environment: {},
    });
  });

  it('accepts -c strings: comma or JSON lists, numbers, booleans, JSON objects', () => {
    const settings = readSettings(
      fromContext({
        'assay:account': '123456789012',
        'assay:region': 'eu-west-1',
        'assay:availabilityZones': 'eu-west-1a, eu-west-1b,eu-west-1c',
        'assay:natGateways': '0',
        'assay:interfaceEndpoints': 'false',
        'assay:dbMinCapacity': '0.5',
        'assay:environment': '{"ASSAY_GITHUB_APP_ID":"42"}',
      }),
    );
    expect(settings.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(settings.natGateways).toBe(0);
    expect(settings.interfaceEndpoints).toBe(false);
    expect(settings.database.minCapacity).toBe(0.5);
    expect(settings.environment).toEqual({ ASSAY_GITHUB_APP_ID: '42' });
    expect(
      readSettings(
        fromContext({ ...cdkJsonContext(), 'assay:availabilityZones': '["us-east-1a","us-east-1c"]' }),
      ).availabilityZones,
    ).toEqual(['us-east-1a', 'us-east-1c']);
  });

  it('names every problem at once, and refuses secrets as plain variables', () => {
    const read = () =>
      readSettings(
        fromContext({
          'assay:account': '42',
          'assay:region': 'us-east-1',
          'assay:availabilityZones': ['eu-west-1a'],
          'assay:dbMinCapacity': '0.3',
          'assay:environment': { ASSAY_OPENAI_API_KEY: 'sk-x', HOME: '/root' },
        }),
      );
    expect(read).toThrow(/assay:account/);
    expect(read).toThrow(/needs at least two zones/);
    expect(read).toThrow(/eu-west-1a is not in us-east-1/);
    expect(read).toThrow(/multiple of 0\.5/);
    expect(read).toThrow(/ASSAY_OPENAI_API_KEY: is a secret/);
    expect(read).toThrow(/HOME: only ASSAY_\* variables/);
  });
});

describe('uses', () => {
  it('decodes every kind of use', () => {
    expect(parseUse('db')).toEqual({ kind: 'db' });
    expect(parseUse('bucket:read')).toEqual({ kind: 'bucket', access: 'read' });
    expect(parseUse('bucket:write')).toEqual({ kind: 'bucket', access: 'write' });
    expect(parseUse('queues:inspect')).toEqual({ kind: 'queues-inspect' });
    expect(parseUse('queue:report-intake')).toEqual({ kind: 'queue', queue: 'report-intake' });
    expect(parseUse('secret:github-app')).toEqual({ kind: 'secret', secret: 'github-app' });
    expect(() => parseUse('queue:' as never)).toThrow(/Unknown use/);
    expect(() => parseUse('secret:aws' as never)).toThrow(/Unknown use/);
  });

  it('refuses a queue use naming no topology queue', () => {
    expect(() => planUses(['db', 'queue:intake'], ['reports'], 'route "POST /x"')).toThrow(
      'route "POST /x" uses "queue:intake" but the topology has no queue "intake"',
    );
    expect(planUses(['queue:reports'], ['reports'], 'x')).toEqual([{ kind: 'queue', queue: 'reports' }]);
  });

  it('names variables the way the application reads them', () => {
    expect(secretArnVariable('github-app')).toBe('ASSAY_SECRET_ARN_GITHUB_APP');
    expect(secretArnVariable('webhook')).toBe('ASSAY_SECRET_ARN_WEBHOOK');
    expect(secretArnVariable('session')).toBe('ASSAY_SECRET_ARN_SESSION');
    expect(secretArnVariable('openai')).toBe('ASSAY_SECRET_ARN_OPENAI');
    expect(queueUrlVariable('report-intake')).toBe('ASSAY_QUEUE_URL_REPORT_INTAKE');
  });

  it('puts only database users in the VPC', () => {
    expect(needsVpc(planUses(['db'], [], 'x'))).toBe(true);
    expect(needsVpc(planUses(['bucket:read', 'secret:openai'], [], 'x'))).toBe(false);
  });
});

describe('naming', () => {
  it('splits route keys and refuses malformed ones', () => {
    expect(parseRouteKey('GET /docs/{asset}')).toEqual({ method: 'GET', path: '/docs/{asset}' });
    expect(parseRouteKey('POST /webhooks/github')).toEqual({ method: 'POST', path: '/webhooks/github' });
    expect(() => parseRouteKey('GET docs')).toThrow(/not "METHOD \/path"/);
    expect(() => parseRouteKey('HEAD /x')).toThrow();
  });

  it('derives construct ids from handler files', () => {
    expect(handlerId('functions/api/get-docs-asset.ts')).toBe('GetDocsAsset');
    expect(pascalCase('report_intake')).toBe('ReportIntake');
  });
});

describe('packages shipped beside a bundle', () => {
  it('collects a package and its runtime dependencies from node_modules', () => {
    expect(packageClosure(['swagger-ui-dist'], projectRoot)).toEqual([
      join('node_modules', '@scarf', 'scarf'),
      join('node_modules', 'swagger-ui-dist'),
    ]);
  });

  it('fails at synthesis when a package is not installed', () => {
    expect(() => packageClosure(['no-such-package-assay'], projectRoot)).toThrow(/not installed/);
  });

  it('copies with quoted paths', () => {
    expect(copyPackageCommands(['node_modules/a'], "/in put's", '/out')).toEqual([
      "mkdir -p '/out/node_modules'",
      "cp -R '/in put'\\''s/node_modules/a' '/out/node_modules/a'",
    ]);
  });
});

describe('queue visibility', () => {
  it('requires at least six times the consumer timeout', () => {
    expect(() => checkVisibilityTimeout('intake', 180, 30)).not.toThrow();
    expect(() => checkVisibilityTimeout('intake', 179, 30)).toThrow(
      'Queue "intake": visibilityTimeoutSeconds 179 < 6 × consumer timeout 30s (180s)',
    );
  });
});

describe('workflow definitions', () => {
  it('finds task placeholders but not JSONPath', () => {
    expect(taskRef('analyst')).toMatch(/^\$\{analyst\}$/);
    expect([...placeholdersOf(agentDefinition)].sort()).toEqual(['analyst', 'approval']);
  });

  it('requires placeholders and tasks to match one-to-one', () => {
    expect(() => checkTaskPlaceholders('agent', agentDefinition, ['analyst', 'approval'])).not.toThrow();
    expect(() => checkTaskPlaceholders('agent', agentDefinition, ['analyst', 'qa'])).toThrow(
      'State machine "agent": placeholders without a task [approval], tasks never referenced [qa]',
    );
  });

  it('loads definition modules relative to the repository root', async () => {
    const loaded = await loadWorkflowDefinitions(
      { stateMachines: { agent: { definition: 'test/infra/fixtures/workflows/agent.ts', tasks: {} } } },
      projectRoot,
    );
    expect(loaded.agent?.StartAt).toBe('Analyst');
    await expect(
      loadWorkflowDefinitions(
        { stateMachines: { bad: { definition: 'test/infra/fixtures/topology.ts', tasks: {} } } },
        projectRoot,
      ),
    ).rejects.toThrow(/must export an ASL definition/);
  });
});
