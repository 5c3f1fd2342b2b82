import { type App, CfnResource, type IAspect, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Rule id (optionally with a `[finding]`) → the written reason it does not apply. */
export type Acknowledgements = Readonly<Record<string, string>>;

/** Records cdk-nag acknowledgements on a construct; they cover its whole subtree. */
export function acknowledge(scope: IConstruct, reasons: Acknowledgements): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/** Runs the AWS Solutions rule pack over the app at synthesis. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** A class of IAM findings that is expected, and why. */
export interface FindingJustification {
  /** `IAM4` (AWS managed policy) or `IAM5` (wildcard). */
  readonly rule: 'IAM4' | 'IAM5';
  /** Matched against the finding, e.g. `Resource::<AssayBucket1234.Arn>/*` or `Action::s3:GetObject*`. */
  readonly finding: RegExp;
  /** Only on policies/roles whose construct path matches (default: anywhere). */
  readonly path?: RegExp;
  readonly reason: string;
}

type RuleFn = (node: CfnResource) => unknown;
const RULES: Record<FindingJustification['rule'], RuleFn> = {
  IAM4: rules.iam.IAMNoManagedPolicies as RuleFn,
  IAM5: rules.iam.IAMNoWildcardPermissions as RuleFn,
};

/**
 * IAM findings carry resolved logical ids (`Resource::<Bucket83908E77.Arn>/*`),
 * so they cannot be acknowledged by a fixed string. This aspect evaluates the
 * same cdk-nag rules on every policy and acknowledges exactly the findings a
 * justification matches; anything unmatched stays a nag error.
 */
export class JustifiedIamFindings implements IAspect {
  /** Every acknowledgement made, for reports and tests: construct path → finding id → reason. */
  readonly acknowledged = new Map<string, Map<string, string>>();

  constructor(private readonly justifications: readonly FindingJustification[]) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource)) return;
    for (const [rule, check] of Object.entries(RULES) as [FindingJustification['rule'], RuleFn][]) {
      const findings = check(node);
      if (!Array.isArray(findings)) continue;
      for (const finding of findings as string[]) {
        const match = this.justifications.find(
          (j) => j.rule === rule && j.finding.test(finding) && (j.path?.test(node.node.path) ?? true),
        );
        if (!match) continue;
        const id = `AwsSolutions-${rule}[${finding}]`;
        Validations.of(node).acknowledge({ id, reason: match.reason });
        const forNode = this.acknowledged.get(node.node.path) ?? new Map<string, string>();
        forNode.set(id, match.reason);
        this.acknowledged.set(node.node.path, forNode);
      }
    }
  }
}
