import { Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

// Explicit, per-function grants. The CDK's grantRead/grantReadWriteData hand out wildcard actions
// (s3:GetObject*, s3:List*, dynamodb index/*); these name the exact actions, the prefix and each index.

/** Item-level DynamoDB actions; no Scan: every read path goes through a key or an index. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export function grantTable(role: iam.IRole, table: dynamodb.ITable, indexNames: readonly string[], access: 'read' | 'readwrite'): void {
  const actions = access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions,
      resources: [table.tableArn, ...indexNames.map((n) => `${table.tableArn}/index/${n}`)],
    }),
  );
  if (table.encryptionKey) grantKeyUse(role, table.encryptionKey);
}

/** kms:Decrypt to read and kms:GenerateDataKey to write anything encrypted with the data key. */
export function grantKeyUse(role: iam.IRole, key: kms.IKey): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }));
}

/**
 * Object access under one prefix. Object keys are not known in advance, so the resource is
 * `bucket/prefix*`; the matching cdk-nag finding is acknowledged on the role with that reason.
 */
export function grantObjects(role: iam.Role, bucket: s3.IBucket, prefix: string, access: 'read' | 'write'): void {
  const actions = access === 'read' ? ['s3:GetObject', 's3:GetObjectVersion'] : ['s3:PutObject'];
  const resource = bucket.arnForObjects(`${prefix}*`);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [resource] }));
  if (bucket.encryptionKey) grantKeyUse(role, bucket.encryptionKey);
  const logicalId = role.stack.resolve((bucket.node.defaultChild as { logicalId?: string } | undefined)?.logicalId) as string | undefined;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
    reason: `Object keys are created at run time; access is limited to the ${prefix} prefix and to ${actions.join(', ')}.`,
  });
}

export function grantSend(role: iam.IRole, queue: sqs.IQueue): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  if (queue.encryptionMasterKey) grantKeyUse(role, queue.encryptionMasterKey);
}
