// One paginated Query, with optional filters that do not starve pages: it keeps reading until the
// page is full or the partition ends, and the cursor points just after the last item returned.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../table.js';
import type { Page, PageRequest } from '../../coding/index.js';
import { decodeCursor, encodeCursor, pageLimit, type StartKey } from './cursor.js';

export interface QuerySpec {
  table: string;
  /** Absent: the base table. */
  index?: string;
  /** e.g. `#pk = :pk AND begins_with(#sk, :prefix)` */
  keyCondition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  filter?: string;
  /** Default true (ascending). */
  forward?: boolean;
  consistent?: boolean;
}

const MAX_READS_PER_PAGE = 20;

function keyNames(index: string | undefined): string[] {
  const base = [tableDefinition.partitionKey.name, tableDefinition.sortKey.name];
  if (!index) return base;
  const def = tableDefinition.globalSecondaryIndexes.find((i) => i.indexName === index);
  if (!def) throw new Error(`unknown index ${index}`);
  return [...base, def.partitionKey.name, def.sortKey.name];
}

export async function queryPage(db: DynamoDBDocumentClient, spec: QuerySpec, page: PageRequest = {}): Promise<Page<Record<string, unknown>>> {
  const limit = pageLimit(page.limit);
  const cursorTag = spec.index ?? 'table';
  let start: StartKey | undefined = decodeCursor(cursorTag, page.cursor);
  const items: Record<string, unknown>[] = [];
  for (let reads = 0; reads < MAX_READS_PER_PAGE; reads++) {
    const out = await db.send(queryCommand(spec, start, limit - items.length + (spec.filter ? limit : 0)));
    for (const item of out.Items ?? []) {
      items.push(item);
      if (items.length === limit) {
        const more = out.LastEvaluatedKey !== undefined || item !== out.Items?.[out.Items.length - 1];
        if (!more) return { items, nextCursor: null };
        const key: StartKey = {};
        for (const n of keyNames(spec.index)) key[n] = item[n] as string;
        return { items, nextCursor: encodeCursor(cursorTag, key) };
      }
    }
    if (!out.LastEvaluatedKey) return { items, nextCursor: null };
    start = out.LastEvaluatedKey as StartKey;
  }
  // Filters skipped many items: hand back what we have and where to go on.
  return { items, nextCursor: start ? encodeCursor(cursorTag, start) : null };
}

function queryCommand(spec: QuerySpec, start: StartKey | undefined, limit?: number): QueryCommand {
  return new QueryCommand({
    TableName: spec.table,
    IndexName: spec.index,
    KeyConditionExpression: spec.keyCondition,
    FilterExpression: spec.filter,
    ExpressionAttributeNames: spec.names,
    ExpressionAttributeValues: spec.values,
    ScanIndexForward: spec.forward ?? true,
    ConsistentRead: spec.index ? undefined : spec.consistent,
    ExclusiveStartKey: start,
    Limit: limit,
  });
}

/** Every item of a query (pipeline use: one document's segments or codings). */
export async function queryAll(db: DynamoDBDocumentClient, spec: QuerySpec): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  let start: StartKey | undefined;
  do {
    const out = await db.send(queryCommand(spec, start));
    all.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey as StartKey | undefined;
  } while (start);
  return all;
}
