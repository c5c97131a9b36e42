import { describe, expect, it } from 'vitest';
import { encodeS3Key, s3Record, toS3Event } from '../../../lib/local/s3-events.js';
import { decodeS3Key, objectsFromNotification } from '../../../lib/pipeline/s3-notification.js';
import { documentIdFor, parseUploadKey } from '../../../lib/coding/upload-key.js';

describe('S3 notifications', () => {
  it('decodes keys the way S3 encodes them (spaces as +, a real + as %2B, UTF-8)', () => {
    const key = 'uploads/p1/ronde 1+2/één & co.txt';
    expect(encodeS3Key(key)).toBe('uploads/p1/ronde+1%2B2/%C3%A9%C3%A9n+%26+co.txt');
    expect(decodeS3Key(encodeS3Key(key))).toBe(key);
    const body = JSON.stringify({ Records: [s3Record({ bucket: 'b', key, eTag: 'e1' })] });
    expect(objectsFromNotification(body)).toEqual([{ bucket: 'b', key, eTag: 'e1', sequencer: expect.any(String) }]);
  });

  it('skips the S3 test event and removals, and rejects a body that is not a notification', () => {
    expect(objectsFromNotification(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
    expect(objectsFromNotification(JSON.stringify({ Records: [s3Record({ bucket: 'b', key: 'uploads/p/x', eventName: 'ObjectRemoved:Delete' })] }))).toEqual(
      [],
    );
    expect(() => objectsFromNotification('{"hello":1}')).toThrow();
  });

  it('turns an s3rver event into the real shape, only for uploads/', () => {
    const raw = (key: string, eventName = 'ObjectCreated:Put') => ({
      Records: [
        {
          eventVersion: '2.0',
          eventName,
          awsRegion: 'us-east-1',
          s3: { bucket: { name: 'b', arn: 'arn:aws:s3: : :b' }, object: { key, size: 3, eTag: 'abc' } },
        },
      ],
    });
    const ev = toS3Event(raw('uploads/p/a b.txt'), { region: 'eu-west-1' });
    expect(ev?.Records[0]).toMatchObject({
      eventVersion: '2.1',
      awsRegion: 'eu-west-1',
      s3: { bucket: { arn: 'arn:aws:s3:::b' }, object: { key: 'uploads/p/a+b.txt', eTag: 'abc' } },
    });
    expect(toS3Event(raw('text/p/d.txt'))).toBeNull();
    expect(toS3Event(raw('uploads/p/big.pdf', 'ObjectCreated:Post'))?.Records[0]?.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(toS3Event({ nonsense: true })).toBeNull();
  });

  it('parses upload keys and gives one stable document id per project and file name', () => {
    expect(parseUploadKey('uploads/proj-1/sub/a.txt')).toEqual({ projectId: 'proj-1', fileName: 'sub/a.txt' });
    expect(parseUploadKey('uploads/Bad_Id/a.txt')).toBeNull();
    expect(parseUploadKey('text/proj/a.txt')).toBeNull();
    expect(parseUploadKey('uploads/proj/')).toBeNull();
    expect(documentIdFor('p', 'a.txt')).toBe(documentIdFor('p', 'a.txt'));
    expect(documentIdFor('p', 'a.txt')).not.toBe(documentIdFor('q', 'a.txt'));
    expect(documentIdFor('p', 'a.txt')).toMatch(/^[0-9a-f]{24}$/);
  });
});
