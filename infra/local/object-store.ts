import { mkdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver from 's3rver';

/** S3 event notifications carry keys URL-encoded with spaces as `+`; s3rver sends them raw. */
function awsEventKey(raw: string): string {
  return encodeURIComponent(raw).replace(/%2F/g, '/').replace(/%20/g, '+');
}

export interface LocalObjectStore {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver on loopback with the bucket created, objects kept in
 * `dataDir/s3`. Every object-created event is passed to `onObjectCreated`.
 * s3rver does not check signatures: it is a development stand-in only.
 */
export async function startLocalObjectStore(options: {
  dataDir: string;
  bucket: string;
  port: number;
  onObjectCreated: (record: S3EventRecord) => Promise<void>;
  onError: (error: unknown) => void;
}): Promise<LocalObjectStore> {
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  // s3rver does not pass a listen error to its caller (it becomes an uncaught
  // 'error' event): a taken port is found first and reported as listen would.
  if (options.port !== 0) await assertPortFree(options.port);
  const address = (await server.run()) as AddressInfo;
  server.on('event', (event: S3Event) => {
    for (const record of event.Records ?? []) {
      if (!record.eventName.startsWith('ObjectCreated')) continue;
      const key = awsEventKey(record.s3.object.key);
      options
        .onObjectCreated({ ...record, s3: { ...record.s3, object: { ...record.s3.object, key } } })
        .catch(options.onError);
    }
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      await server.close();
    },
  };
}

/** Rejects with the `listen` error (`EADDRINUSE` …) when 127.0.0.1:`port` cannot be bound. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
