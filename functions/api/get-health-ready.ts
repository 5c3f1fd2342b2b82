import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { createS3Client } from '../../shared/adapters/object-store.ts';
import { createQueueProbe } from '../../shared/adapters/queue-probe.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { checkReadiness, type Probes } from '../../shared/health/readiness.ts';
import { getHealthReady } from '../contracts/health.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

const config = getConfig();
const s3 = createS3Client(config);
const probes: Probes = {
  database: async () => {
    await sql`select 1`.execute(await getDb());
  },
  objectStore: async () => {
    await s3.send(new HeadBucketCommand({ Bucket: config.ASSAY_S3_BUCKET }));
  },
  queues: createQueueProbe(config),
};

export const handler = httpHandler(getHealthReady, async () => {
  const readiness = await checkReadiness(probes);
  const body = { status: readiness.status, checks: readiness.checks };
  if (readiness.status === 'ready') return body;
  return HttpResponse.json(503, {
    error: {
      code: 'not_ready',
      message: `Not ready: ${readiness.down.join(', ')} unreachable`,
      details: body,
    },
  });
});
