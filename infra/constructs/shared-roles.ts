import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionKind } from './app-function.ts';
import { needsVpc, type UseSpec } from './uses.ts';

/** The managed policy every function needs to write its logs, and the one a VPC function needs for its ENIs. */
const BASIC = 'service-role/AWSLambdaBasicExecutionRole';
const VPC = 'service-role/AWSLambdaVPCAccessExecutionRole';

/** A stable key for a set of uses: the same uses, in any order, share a role. */
export function usesKey(uses: readonly UseSpec[]): string {
  const parts = uses.map((u) =>
    u.kind === 'bucket'
      ? `bucket-${u.access}`
      : u.kind === 'queue'
        ? `queue-${u.queue}`
        : u.kind === 'secret'
          ? `secret-${u.secret}`
          : u.kind === 'workflow'
            ? `workflow-${u.machine}-${u.access}`
            : u.kind,
  );
  return [...new Set(parts)].sort().join('+') || 'none';
}

/**
 * Execution roles and log groups shared between functions, so the stack stays
 * under CloudFormation's 500-resource limit as routes are added (a role, its
 * policy and a log group per function were three of every route's seven
 * resources). A role is shared only by functions whose `uses` are identical,
 * so each still holds exactly the grants its uses imply; one log group per
 * function kind, a month's retention.
 */
export class SharedRoles extends Construct {
  private readonly roles = new Map<string, iam.Role>();
  private readonly logGroups = new Map<FunctionKind, logs.LogGroup>();

  /** The role for functions with `uses` (created on first use, with the managed policies it needs). */
  roleFor(uses: readonly UseSpec[]): iam.Role {
    const key = usesKey(uses);
    let role = this.roles.get(key);
    if (!role) {
      const id = key
        .replace(/[^A-Za-z0-9]+/g, ' ')
        .replace(/(^|\s)(\w)/g, (_, _s, c: string) => c.toUpperCase());
      role = new iam.Role(this, id, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Assay functions using ${key}`,
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName(BASIC),
          ...(needsVpc(uses) ? [iam.ManagedPolicy.fromAwsManagedPolicyName(VPC)] : []),
        ],
      });
      this.roles.set(key, role);
    }
    return role;
  }

  /** The log group of every function of `kind`. */
  logGroupFor(kind: FunctionKind): logs.LogGroup {
    let group = this.logGroups.get(kind);
    if (!group) {
      group = new logs.LogGroup(this, `Logs${kind[0]?.toUpperCase()}${kind.slice(1)}`, {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.logGroups.set(kind, group);
    }
    return group;
  }
}
