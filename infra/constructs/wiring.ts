import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { AppSecrets } from './app-secrets.ts';
import type { Database } from './database.ts';
import type { Network } from './network.ts';
import type { QueueWithDlq } from './queue-with-dlq.ts';
import {
  queueUrlVariable,
  secretArnVariable,
  stateMachineArnVariable,
  stateMachineName,
  type UseSpec,
} from './uses.ts';

/** The shared resources a handler's `uses` are resolved against. */
export interface Wiring {
  /** Repository root: handler paths in the topology are relative to it. */
  readonly projectRoot: string;
  readonly network: Network;
  readonly database: Database;
  readonly bucket: s3.IBucket;
  readonly queues: ReadonlyMap<string, QueueWithDlq>;
  readonly secrets: AppSecrets;
  /**
   * Variables every function gets: `ASSAY_RUNTIME=aws`, and the keys
   * `shared/config.ts` requires on AWS (database host/secret ARN, bucket), so
   * any handler's config parses; access still comes only from `uses`.
   */
  readonly environment: Readonly<Record<string, string>>;
}

/** Adds the environment variables and IAM grants one decoded use implies. */
function applyUse(fn: lambda.Function, spec: UseSpec, wiring: Wiring): void {
  switch (spec.kind) {
    case 'db':
      wiring.database.secret.grantRead(fn);
      return;
    case 'bucket':
      if (spec.access === 'read') wiring.bucket.grantRead(fn);
      else wiring.bucket.grantWrite(fn);
      return;
    case 'queue': {
      const queue = wiring.queues.get(spec.queue);
      if (!queue) throw new Error(`No queue ${spec.queue}`);
      fn.addEnvironment(queueUrlVariable(spec.queue), queue.queue.queueUrl);
      queue.queue.grantSendMessages(fn);
      return;
    }
    case 'queues-inspect': {
      const arns: string[] = [];
      for (const [name, queue] of wiring.queues) {
        fn.addEnvironment(queueUrlVariable(name), queue.queue.queueUrl);
        arns.push(queue.queue.queueArn, queue.deadLetterQueue.queueArn);
      }
      if (arns.length > 0) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: arns }));
      }
      return;
    }
    case 'workflow': {
      // By name, not by reference: the state machine invokes task functions that hold this grant.
      // Named after the top-level stack (a route's function sits in a nested stack, whose own
      // name is a token that would tie the parent's role policy to the nested stack: a cycle).
      let stack = Stack.of(fn);
      while (stack.nestedStackParent) stack = stack.nestedStackParent;
      const name = stateMachineName(stack.stackName, spec.machine);
      const machineArn = stack.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      fn.addEnvironment(stateMachineArnVariable(spec.machine), machineArn);
      if (spec.access === 'start') {
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [machineArn] }),
        );
        const executions = stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${name}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:StopExecution', 'states:DescribeExecution'],
            resources: [executions],
          }),
        );
      } else {
        // Task tokens are answered against the state machine they belong to (as grantTaskResponse does).
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
            resources: [machineArn],
          }),
        );
      }
      return;
    }
    case 'secret': {
      const secret = wiring.secrets.get(spec.secret);
      fn.addEnvironment(secretArnVariable(spec.secret), secret.secretArn);
      secret.grantRead(fn);
      return;
    }
  }
}

/** Applies every use of a handler: environment and least-privilege grants. */
export function applyUses(fn: lambda.Function, specs: readonly UseSpec[], wiring: Wiring): void {
  for (const spec of specs) applyUse(fn, spec, wiring);
}
