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
  },
  queues: {},
  bucketNotifications: [],
  stateMachines: {},
  schedules: {},
} as const satisfies Topology;

export type AppTopology = typeof topology;
