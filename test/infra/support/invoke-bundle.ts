import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoSdk = join(import.meta.dirname, '../../../node_modules/@aws-sdk');

/**
 * The Node 22 Lambda runtime provides the AWS SDK v3 (bundles leave it out):
 * stand in for it with this repository's copy, reachable from the asset's parent.
 */
function provideRuntimeSdk(assetDir: string): void {
  const modules = join(dirname(assetDir), 'node_modules');
  const link = join(modules, '@aws-sdk');
  if (existsSync(link)) return;
  mkdirSync(modules, { recursive: true });
  symlinkSync(repoSdk, link, 'dir');
}

/** What the handler returned (API Gateway v2 result shape). */
export interface BundleResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
}

/** A Lambda context good enough for middy and Powertools. */
const CONTEXT = `{
  functionName: 'bundle-test', functionVersion: '$LATEST', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bundle-test',
  awsRequestId: 'bundle-test-request', logGroupName: '/aws/lambda/bundle-test', logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000,
  done() {}, fail() {}, succeed() {},
}`;

/**
 * Calls `handler` of a bundled function (an asset directory from the cloud
 * assembly) in a fresh Node process, as Lambda would: `index.mjs` loaded from
 * the directory it ships in, with only the given environment and the
 * runtime's AWS SDK.
 */
export async function invokeBundle(
  assetDir: string,
  event: unknown,
  env: Record<string, string>,
): Promise<BundleResult> {
  provideRuntimeSdk(assetDir);
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)});
    const result = await handler(JSON.parse(process.env.BUNDLE_EVENT), ${CONTEXT});
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result));`;
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '--enable-source-maps', '-e', script],
    {
      cwd: assetDir,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        ...env,
        BUNDLE_EVENT: JSON.stringify(event),
      },
      timeout: 30_000,
    },
  );
  const marker = stdout.lastIndexOf('@@RESULT@@');
  if (marker < 0) throw new Error(`No result from the bundle:\n${stdout}`);
  return JSON.parse(stdout.slice(marker + '@@RESULT@@'.length)) as BundleResult;
}
