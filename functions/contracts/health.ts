import { z } from 'zod';
import { text } from '../../shared/text/text-schema.ts';
import { defineRoute } from '../kit/route-contract.ts';

const checkSchema = z
  .object({
    ok: z.boolean(),
    latencyMs: z.number(),
    error: text().optional(),
  })
  .meta({ id: 'DependencyCheck' });

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: checkSchema, objectStore: checkSchema, queues: checkSchema }),
  })
  .meta({ id: 'Readiness' });

export const getHealth = defineRoute({
  route: 'GET /health',
  auth: 'public',
  summary: 'Liveness',
  description: 'Answers while the process runs; touches no dependency.',
  tags: ['health'],
  response: z.object({ status: z.literal('ok') }),
});

export const getHealthReady = defineRoute({
  route: 'GET /health/ready',
  auth: 'public',
  summary: 'Readiness',
  description:
    'Checks that the database, the object store and the queues are reachable. 503 with the error envelope, naming what is down, otherwise.',
  tags: ['health'],
  response: readinessSchema,
  errors: { 503: 'A dependency is unreachable; `details` holds every check' },
});
