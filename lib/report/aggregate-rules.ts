// The rules by which the store keeps each document's report aggregate (the AggregateRules port of
// lib/coding/ports.ts): the composition root (lib/store/index.ts) hands them to the DynamoDB adapter, which
// changes the aggregate in the transaction of every coding write without knowing what it holds.
import type { AggregateRules } from '../coding/ports.js';
import { decodeAggregate, documentAggregate, emptyAggregate, encodeAggregate, trailEntry, updateAggregate } from './aggregate.js';
import { beforeDeletionsLeftOut } from './input.js';

export const aggregateRules: AggregateRules = {
  // A document deleted before starts its trail again after its last deletion.
  build: (codings, trail) => documentAggregate(codings, beforeDeletionsLeftOut(trail).map(trailEntry)),
  update: (aggregate, before, after, events) => updateAggregate(aggregate, before, after, events.map(trailEntry)),
  empty: emptyAggregate,
  encode: encodeAggregate,
  decode: decodeAggregate,
};
