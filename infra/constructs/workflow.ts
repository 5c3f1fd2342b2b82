import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AlarmTopic } from './alarm-topic.ts';
import { stateMachineName } from './uses.ts';
import { type AslDefinition, checkTaskPlaceholders } from './workflow-definition.ts';

/** Props of {@link Workflow}. */
export interface WorkflowProps {
  readonly name: string;
  readonly definition: AslDefinition;
  /** Task name (the `${name}` placeholder) → its step function. */
  readonly tasks: ReadonlyMap<string, lambda.IFunction>;
  readonly alarms: AlarmTopic;
}

/**
 * A Standard state machine from an ASL definition: task placeholders become
 * function ARNs, the role may invoke exactly those functions, executions are
 * logged (without payloads, which may hold tokens) and traced, and failed,
 * timed-out or aborted executions raise an alarm.
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    checkTaskPlaceholders(props.name, props.definition, [...props.tasks.keys()]);
    const substitutions: Record<string, string> = {};
    for (const [task, fn] of props.tasks) substitutions[task] = fn.functionArn;

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: stateMachineName(Stack.of(this).stackName, props.name),
      comment: `Assay workflow "${props.name}"`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(props.definition)),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', {
          // The vended-logs prefix spares CloudWatch Logs a resource policy per log group.
          logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${props.name}`,
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    for (const fn of props.tasks.values()) fn.grantInvoke(this.stateMachine);

    const outcomes = {
      Failed: this.stateMachine.metricFailed(),
      TimedOut: this.stateMachine.metricTimedOut(),
      Aborted: this.stateMachine.metricAborted(),
    };
    for (const [outcome, metric] of Object.entries(outcomes)) {
      props.alarms.notify(
        metric.createAlarm(this, `${outcome}Alarm`, {
          alarmDescription: `Executions of workflow "${props.name}": ${outcome}`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
