import type { Topology } from './topology.types.ts';

/**
 * THE map of Assay: every route, queue, bucket notification, state machine and
 * schedule. `infra/stack.ts` turns it into AWS resources and `infra/local/`
 * serves it on one machine. Adding an entry here is the whole wiring change.
 */
export const topology = {
  routes: {
    'GET /health': { handler: 'functions/api/get-health.ts', auth: 'public', uses: [] },
    'GET /health/ready': {
      handler: 'functions/api/get-health-ready.ts',
      auth: 'public',
      uses: ['db', 'bucket:read', 'queues:inspect'],
    },
    'GET /openapi.json': { handler: 'functions/api/get-openapi.ts', auth: 'public', uses: [] },
    'GET /docs': {
      handler: 'functions/api/get-docs.ts',
      auth: 'public',
      uses: [],
      nodeModules: ['swagger-ui-dist'],
    },
    'GET /docs/{asset}': {
      handler: 'functions/api/get-docs-asset.ts',
      auth: 'public',
      uses: [],
      nodeModules: ['swagger-ui-dist'],
    },
    'POST /webhooks/github': {
      handler: 'functions/api/post-github-webhook.ts',
      auth: 'webhook',
      uses: ['db', 'bucket:write', 'queue:intake', 'secret:webhook'],
    },
  },
  queues: {
    intake: {
      handler: 'functions/queues/webhook-intake.ts',
      uses: [
        'db',
        'bucket:read',
        'queue:checklist',
        'queue:manifest',
        'queue:validation',
        'secret:github-app',
      ],
      batchSize: 10,
      timeoutSeconds: 30,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 5,
    },
    // Consumers arrive with their features; until then messages wait here.
    checklist: {
      uses: [],
      batchSize: 5,
      timeoutSeconds: 60,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
    manifest: {
      uses: [],
      batchSize: 5,
      timeoutSeconds: 60,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
    validation: {
      uses: [],
      batchSize: 5,
      timeoutSeconds: 60,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
    },
  },
  bucketNotifications: [],
  stateMachines: {},
  schedules: {
    'sweep-webhook-deliveries': {
      handler: 'functions/schedules/sweep-webhook-deliveries.ts',
      uses: ['db', 'queue:intake'],
      everyMinutes: 5,
      timeoutSeconds: 60,
    },
  },
} as const satisfies Topology;

export type AppTopology = typeof topology;
