import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  readonly email: string | undefined;
}

/** The SNS topic every Assay alarm notifies (optionally mailed to an operator). */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  private readonly action: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Assay alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new actions.SnsAction(this.topic);
  }

  /** Sends the alarm's ALARM and OK transitions to the topic. */
  notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }
}
