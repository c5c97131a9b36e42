import { describe, expect, it } from 'vitest';
import { props, resourceId, resources, synthTemplate } from './synth.js';

const { template } = synthTemplate();
const topic = resourceId(template, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');
const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});

function alarmOn(metricName: string, namespace: string, dimension: unknown): Record<string, unknown> | undefined {
  return alarms.find((a) => a.MetricName === metricName && a.Namespace === namespace && JSON.stringify(a.Dimensions).includes(JSON.stringify(dimension)));
}

describe('alarms', () => {
  it.each(['PipelineIngestDeadLetterQueue', 'PipelineTagDeadLetterQueue', 'PipelineExportDeadLetterQueue'])(
    '%s: alarm as soon as one message is parked',
    (prefix) => {
      const dlq = resourceId(template, 'AWS::SQS::Queue', prefix);
      const alarm = alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS', { 'Fn::GetAtt': [dlq, 'QueueName'] });
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    },
  );

  it.each(['PipelineIngest', 'PipelineTag', 'PipelineExport', 'ApiHandler'])('%s: alarms on errors and on throttles', (prefix) => {
    const fn = resourceId(template, 'AWS::Lambda::Function', prefix);
    for (const metric of ['Errors', 'Throttles']) {
      expect(alarmOn(metric, 'AWS/Lambda', { Name: 'FunctionName', Value: { Ref: fn } })).toMatchObject({ Threshold: 1 });
    }
  });

  it('alarms on API 5xx', () => {
    const api = resourceId(template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi');
    expect(alarmOn('5xx', 'AWS/ApiGateway', { Name: 'ApiId', Value: { Ref: api } })).toMatchObject({ Threshold: 1 });
  });

  it('every alarm notifies the SNS topic when it fires and when it clears', () => {
    expect(alarms.length).toBe(3 + 4 * 2 + 1);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.OKActions).toEqual([{ Ref: topic }]);
    }
  });
});

describe('alarm topic', () => {
  it('is encrypted with the message key, which CloudWatch may use', () => {
    const key = resourceId(template, 'AWS::KMS::Key', 'StorageMessageKey');
    expect(props(template, topic).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    const statements = (props(template, key).KeyPolicy as { Statement: Array<{ Principal?: { Service?: string | string[] }; Action: string[] }> }).Statement;
    const forCloudWatch = statements.filter((s) => [s.Principal?.Service].flat().includes('cloudwatch.amazonaws.com'));
    expect(forCloudWatch.flatMap((s) => s.Action)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('mails the admin', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: topic }, Protocol: 'email', Endpoint: 'admin@example.org' });
  });
});
