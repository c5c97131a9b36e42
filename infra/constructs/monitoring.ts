import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly stage: string;
  readonly key: kms.IKey;
  /** Receives alarm e-mails (the subscription must be confirmed from the first mail). */
  readonly alarmEmail?: string;
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  readonly functions: Record<string, lambda.IFunction>;
  readonly apiStage: apigw.HttpStage;
}

/**
 * Alarms that mean "a person should look": anything parked in a dead-letter queue, any Lambda error
 * or throttle, any API 5xx. Every alarm notifies one encrypted SNS topic.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `qualtag ${props.stage} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes to an encrypted topic only if the key lets it create data keys.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const fiveMinutes = Duration.minutes(5);
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        `Messages in the ${name} dead-letter queue: a file or document failed ${name} repeatedly. Inspect, fix, then redrive.`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), `The ${name} Lambda reported errors.`);
      this.alarm(`${name}Throttles`, fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }), `The ${name} Lambda was throttled.`);
    }
    this.alarm('Api5xx', props.apiStage.metricServerError({ period: fiveMinutes, statistic: 'Sum' }), 'The HTTP API answered with 5xx.');
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
