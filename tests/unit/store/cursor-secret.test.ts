// The api function's page cursors on AWS: signed with the deployment's secret, read from Secrets Manager.
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { loadCursorSecret } from '../../../lib/store/cursor-secret.js';
import { decodeCursor, encodeCursor } from '../../../lib/store/dynamo/cursor.js';

describe('page-cursor secret', () => {
  it('reads the secret by its ARN; cursors signed before (fixed key) or with another secret are refused after', async () => {
    const key = { PK: 'P#p', SK: 'DOC#d' };
    const before = encodeCursor('docs', key);
    const asked: string[] = [];
    const reader = (value: string | undefined) => ({
      send: async (c: GetSecretValueCommand) => {
        asked.push(c.input.SecretId!);
        return { SecretString: value };
      },
    });
    await expect(loadCursorSecret('arn:aws:secretsmanager:eu-west-1:1:secret:empty', reader(undefined))).rejects.toThrow(/no string value/);
    await expect(loadCursorSecret('arn:short', reader('too-short'))).rejects.toThrow(/shorter than 32/);
    expect(decodeCursor('docs', before)).toEqual(key); // a failed load changes nothing
    await loadCursorSecret('arn:aws:secretsmanager:eu-west-1:1:secret:a', reader('a'.repeat(64)));
    expect(asked).toEqual(['arn:aws:secretsmanager:eu-west-1:1:secret:empty', 'arn:short', 'arn:aws:secretsmanager:eu-west-1:1:secret:a']);
    const signedA = encodeCursor('docs', key);
    expect(decodeCursor('docs', signedA)).toEqual(key);
    expect(() => decodeCursor('docs', before)).toThrow(/cursor/);
    await loadCursorSecret('arn:b', reader('b'.repeat(64)));
    expect(() => decodeCursor('docs', signedA)).toThrow(/cursor/);
  });
});
