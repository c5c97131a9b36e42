// The single DynamoDB table, as plain data: the local stack's CreateTable and the CDK app (infra/) both
// build from this constant, so the deployed table and the local one cannot drift apart.
// Which item carries which key attribute is decided in keys.ts only.

export interface KeyAttribute {
  name: string;
  type: 'S';
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  /** Every index projects all attributes: queries return whole items without a second read. */
  projection: 'ALL';
  /** What the index answers (for readers of the CDK app and the README). */
  purpose: string;
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  billingMode: 'PAY_PER_REQUEST';
  globalSecondaryIndexes: readonly IndexDefinition[];
}

const s = (name: string): KeyAttribute => ({ name, type: 'S' });

export const indexNames = {
  queue: 'queue',
  queueByScore: 'queueByScore',
  byCode: 'byCode',
  byCategory: 'byCategory',
  byRespondent: 'byRespondent',
  lists: 'lists',
} as const;

export type IndexName = (typeof indexNames)[keyof typeof indexNames];

export const tableDefinition: TableDefinition = {
  partitionKey: s('PK'),
  sortKey: s('SK'),
  billingMode: 'PAY_PER_REQUEST',
  globalSecondaryIndexes: [
    {
      indexName: indexNames.queue,
      partitionKey: s('QPK'),
      sortKey: s('QSK'),
      projection: 'ALL',
      purpose: 'review queue (sparse: only undecided rule proposals) by document and position',
    },
    {
      indexName: indexNames.queueByScore,
      partitionKey: s('QPK'),
      sortKey: s('QSCORE'),
      projection: 'ALL',
      purpose: 'review queue (sparse) by score, highest first',
    },
    {
      indexName: indexNames.byCode,
      partitionKey: s('CPK'),
      sortKey: s('CSK'),
      projection: 'ALL',
      purpose: 'codings of one code in a project, by status, document and position',
    },
    {
      indexName: indexNames.byCategory,
      partitionKey: s('KPK'),
      sortKey: s('KSK'),
      projection: 'ALL',
      purpose: 'codings of one category in a project, by status, document, position and code',
    },
    {
      indexName: indexNames.byRespondent,
      partitionKey: s('RPK'),
      sortKey: s('RSK'),
      projection: 'ALL',
      purpose: 'codings of one respondent in a project, by status, document, position and code',
    },
    {
      indexName: indexNames.lists,
      partitionKey: s('LPK'),
      sortKey: s('LSK'),
      projection: 'ALL',
      purpose: 'lists: documents and codebook versions of a project, projects of a user, audit events of a document',
    },
  ],
};

/** Every attribute that appears in a key (CreateTable needs their types). */
export function keyAttributes(def: TableDefinition = tableDefinition): KeyAttribute[] {
  const all = [def.partitionKey, def.sortKey, ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return [...new Map(all.map((a) => [a.name, a])).values()];
}
