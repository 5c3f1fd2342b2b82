import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueEntry } from '../topology.types.ts';
import type { AlarmTopic } from './alarm-topic.ts';

/** Props of {@link QueueWithDlq}. */
export interface QueueWithDlqProps {
  readonly name: string;
  readonly entry: QueueEntry;
  readonly alarms: AlarmTopic;
}

/**
 * A topology queue: the SQS queue (SSE, TLS-only), its dead-letter queue after
 * `maxReceiveCount` receives, and an alarm as soon as the DLQ holds a message.
 */
export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const { entry } = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(entry.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: entry.maxReceiveCount },
    });
    this.alarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'DeadLettersAlarm', {
        alarmDescription: `Messages of queue "${props.name}" failed ${entry.maxReceiveCount} times and wait in its DLQ`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    props.alarms.notify(this.alarm);
  }
}

/** SQS guidance: a queue's visibility timeout should be at least six times its consumer's timeout. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;

/** Throws when a queue would hand a message to a second consumer while the first may still run. */
export function checkVisibilityTimeout(
  queue: string,
  visibilitySeconds: number,
  consumerTimeoutSeconds: number,
): void {
  const minimum = VISIBILITY_TO_TIMEOUT_RATIO * consumerTimeoutSeconds;
  if (visibilitySeconds < minimum) {
    throw new Error(
      `Queue "${queue}": visibilityTimeoutSeconds ${visibilitySeconds} < ${VISIBILITY_TO_TIMEOUT_RATIO} × ` +
        `consumer timeout ${consumerTimeoutSeconds}s (${minimum}s)`,
    );
  }
}
