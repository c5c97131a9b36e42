import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageLimit } from '../../../lib/store/dynamo/cursor.js';
import { codingIndexKeys, scoreRank } from '../../../lib/store/keys.js';
import { keyAttributes, tableDefinition } from '../../../lib/store/table.js';

describe('store keys and cursors', () => {
  it('round-trips a cursor only for the index it came from and refuses tampered ones', () => {
    const c = encodeCursor('queue', { PK: 'DOC#a', SK: 'CODING#000001#x', QPK: 'P#p', QSK: 'a#000001#x' });
    expect(decodeCursor('queue', c)).toEqual({ PK: 'DOC#a', SK: 'CODING#000001#x', QPK: 'P#p', QSK: 'a#000001#x' });
    expect(() => decodeCursor('byCode', c)).toThrow(/cursor/);
    expect(() => decodeCursor('queue', 'not-base64-json')).toThrow(/cursor/);
    expect(decodeCursor('queue', undefined)).toBeUndefined();
    // A forged cursor (well-formed JSON for another partition, without the tag or with a wrong one) is refused.
    const forged = Buffer.from(JSON.stringify({ i: 'queue', k: { PK: 'DOC#other', SK: 'x', QPK: 'P#other', QSK: 'x' } })).toString('base64url');
    expect(() => decodeCursor('queue', forged)).toThrow(/cursor/);
    expect(() => decodeCursor('queue', `${forged}.${c.split('.')[1]}`)).toThrow(/cursor/);
    expect(() => decodeCursor('queue', `${c}x`)).toThrow(/cursor/);
    expect(() => decodeCursor('queue', 'a'.repeat(5000))).toThrow(/cursor/);
    expect(() => pageLimit(0)).toThrow();
    expect(() => pageLimit(501)).toThrow();
  });

  it('puts codings in the sparse queue only while proposed, highest score first', () => {
    const c = { projectId: 'p', documentId: 'd', segmentIndex: 3, code: 'x/y', categoryId: 'x', respondent: null, score: 1.5 };
    expect(codingIndexKeys({ ...c, status: 'proposed' })).toHaveProperty('QPK', 'P#p');
    expect(codingIndexKeys({ ...c, status: 'accepted' })).not.toHaveProperty('QPK');
    expect(codingIndexKeys({ ...c, status: 'accepted' })).not.toHaveProperty('RPK');
    expect(codingIndexKeys({ ...c, status: 'accepted', respondent: 'R 1' })).toHaveProperty('RSK', 'accepted#d#000003#x/y');
    expect([scoreRank(0.2), scoreRank(3), scoreRank(1)].sort()).toEqual([scoreRank(3), scoreRank(1), scoreRank(0.2)]);
  });

  it('declares every key attribute the indexes use, once', () => {
    const names = keyAttributes().map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const i of tableDefinition.globalSecondaryIndexes) expect(names).toEqual(expect.arrayContaining([i.partitionKey.name, i.sortKey.name]));
  });
});
