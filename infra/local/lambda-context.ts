import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda `Context` for a local invocation of `functionName` with its timeout. */
export function createLambdaContext(functionName: string, timeoutSeconds: number, memoryMb = 512): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const name = `assay-local-${functionName.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-|-$/g, '')}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
