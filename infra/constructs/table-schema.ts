import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { KeyAttribute, TableDefinition } from '../../lib/store/table.js';

// Translates lib/store's plain table definition into CDK props, so key names and indexes are never retyped here.

export type TableSchema = TableDefinition;

export interface CdkTableSchema {
  partitionKey: dynamodb.Attribute;
  sortKey: dynamodb.Attribute;
  timeToLiveAttribute?: string;
  globalSecondaryIndexes: dynamodb.GlobalSecondaryIndexProps[];
}

const attributeTypes: Record<KeyAttribute['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
};

function attribute(a: KeyAttribute): dynamodb.Attribute {
  return { name: a.name, type: attributeTypes[a.type] };
}

export function toCdkTableSchema(def: TableSchema): CdkTableSchema {
  return {
    partitionKey: attribute(def.partitionKey),
    sortKey: attribute(def.sortKey),
    globalSecondaryIndexes: def.globalSecondaryIndexes.map((gsi) => ({
      indexName: gsi.indexName,
      partitionKey: attribute(gsi.partitionKey),
      sortKey: attribute(gsi.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    })),
  };
}
