import { describe, expect, it } from 'vitest';
import { QualtagError, isQualtagError } from '../../lib/errors.js';
import { settingsFromEnv } from '../../lib/config.js';

describe('QualtagError', () => {
  it('names where the problem is and what to do', () => {
    const e = new QualtagError('EMPTY_FILE', 'interview.docx is empty', 'Export the transcript again and re-upload it', 'interview.docx');
    expect(e.message).toBe('interview.docx: interview.docx is empty');
    expect(e.describe()).toContain('Export the transcript again');
    expect(isQualtagError(e)).toBe(true);
    expect(isQualtagError(new Error('x'))).toBe(false);
  });
});

describe('settingsFromEnv', () => {
  it('reads the table and bucket', () => {
    expect(settingsFromEnv({ TABLE_NAME: 't', BUCKET_NAME: 'b' })).toEqual({ tableName: 't', bucketName: 'b', tagQueueUrl: undefined });
  });
  it('names the missing settings', () => {
    expect(() => settingsFromEnv({ TABLE_NAME: 't' })).toThrow(/BUCKET_NAME/);
  });
});
