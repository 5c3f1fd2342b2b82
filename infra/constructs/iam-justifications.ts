import type { FindingJustification } from './nag.ts';

const MANAGED = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/';
const exactly = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** A policy attached to an Assay function's role (routes, consumers, tasks, schedules, migration). */
const APP_FUNCTION_POLICY =
  /^[^/]+\/((Route\w+|Queue\w+\/Consumer|Workflow\w+|Schedule\w+|Migration\/Migrate)\/Function\/ServiceRole|Shared\/\w+)\/DefaultPolicy\/Resource$/;

/**
 * Every IAM wildcard or AWS-managed policy the stack may contain, and why. A
 * finding no entry matches stays a cdk-nag error (and fails `test/infra`).
 */
export const IAM_JUSTIFICATIONS: readonly FindingJustification[] = [
  {
    rule: 'IAM5',
    finding:
      /^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:[\w-]+:\*$|^Resource::arn:aws:states:[\w-]+:\d{12}:execution:[\w-]+:\*$/,
    path: APP_FUNCTION_POLICY,
    reason:
      'StopExecution/DescribeExecution from a workflow:<machine>:start use (cancelling an agent run, finding ' +
      'runs whose execution ended without an outcome): execution ARNs are ' +
      '<machine ARN>:<execution name>, named after each run, so only the execution name is open.',
  },
  {
    rule: 'IAM4',
    finding: exactly(`${MANAGED}AWSLambdaBasicExecutionRole`),
    reason:
      'AWS-maintained minimal execution policy: only logs:CreateLogGroup/CreateLogStream/PutLogEvents, ' +
      'so the function can write its CloudWatch logs.',
  },
  {
    rule: 'IAM4',
    finding: exactly(`${MANAGED}AWSLambdaVPCAccessExecutionRole`),
    reason:
      'AWS-maintained policy a VPC function needs to create, describe and delete its network interfaces; ' +
      'those EC2 calls take no resource-level scoping.',
  },
  {
    rule: 'IAM5',
    finding: /^Resource::<StorageBucket[0-9A-F]{8}\.Arn>\/\*$/,
    path: APP_FUNCTION_POLICY,
    reason:
      'Object-level access inside the one artifact bucket, from a bucket:read/bucket:write use; object ARNs ' +
      'need the /* form, and handlers validate each key against what was issued.',
  },
  {
    rule: 'IAM5',
    finding: /^Action::s3:(GetObject\*|GetBucket\*|List\*|DeleteObject\*|Abort\*)$/,
    path: APP_FUNCTION_POLICY,
    reason:
      'The action families of the CDK bucket grants behind bucket:read/bucket:write (object versions, ' +
      'tags, multipart aborts), limited to the artifact bucket by the statement resource.',
  },
  {
    rule: 'IAM5',
    finding: /^Resource::<Workflow\w+Function[0-9A-F]{8}\.Arn>:\*$/,
    path: /\/Workflow\w+\/StateMachine\/Role\/DefaultPolicy\/Resource$/,
    reason:
      'The state machine may invoke its own task functions, any version or alias (function-ARN:*); ' +
      'the functions are named, only the qualifier is open.',
  },
  {
    rule: 'IAM5',
    finding: exactly('Resource::*'),
    path: /\/Workflow\w+\/StateMachine\/Role\/DefaultPolicy\/Resource$/,
    reason:
      'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery ' +
      '(CreateLogDelivery, …) actions support no resource-level permissions.',
  },
  {
    rule: 'IAM5',
    finding: exactly('Resource::*'),
    path: /^[^/]+\/LogRetention[0-9a-f]+\/ServiceRole\/DefaultPolicy\/Resource$/,
    reason:
      "CDK's log-retention helper sets a retention on the log group RDS creates for the cluster's " +
      'postgresql log export; that group does not exist at synthesis, so its ARN cannot be named.',
  },
];
