// Requests signed by the real SDK clients verify; tampered, unsigned, expired or foreign-key ones do not.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { verifySigV4, type SignedRequest } from '../../../lib/local/sigv4.js';

const creds = { accessKeyId: 'QTK0123456789ABCDEF', secretAccessKey: 'c2VjcmV0LXBlci1zdGFydA-0123456789' };
const other = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const endpoint = 'http://127.0.0.1:45678';

interface Captured {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** Lets the client sign a request, then stops it before it reaches the network. */
function capture(client: S3Client | DynamoDBClient): () => Captured {
  let seen: Captured | undefined;
  (client as S3Client).middlewareStack.add(
    (() => async (args: { request: Captured }) => {
      seen = args.request;
      throw new Error('captured');
    }) as never,
    { step: 'finalizeRequest', priority: 'low', name: 'capture' },
  );
  return () => seen!;
}

function asSigned(c: Captured): SignedRequest {
  const rawQuery = Object.entries(c.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const body = typeof c.body === 'string' ? Buffer.from(c.body) : c.body instanceof Uint8Array ? Buffer.from(c.body) : undefined;
  return { method: c.method, rawPath: c.path, rawQuery, headers, ...(body ? { body } : {}) };
}

function fromUrl(url: string, method: string): SignedRequest {
  const u = new URL(url);
  return { method, rawPath: u.pathname, rawQuery: u.search.slice(1), headers: { host: u.host } };
}

describe('verifySigV4', () => {
  it('accepts an S3 PutObject signed by the SDK (odd characters in the key) and refuses tampering', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint, forcePathStyle: true, credentials: creds, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const seen = capture(s3);
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'uploads/p/a b+c%d é.txt', Body: 'hello', ContentType: 'text/plain' })).catch(() => {});
    const req = asSigned(seen());
    expect(await verifySigV4(req, creds)).toEqual({ ok: true, service: 's3', presigned: false });
    expect((await verifySigV4({ ...req, rawPath: req.rawPath.replace('uploads', 'uploadz') }, creds)).ok).toBe(false);
    expect((await verifySigV4({ ...req, headers: { ...req.headers, host: 'evil.example:45678' } }, creds)).ok).toBe(false);
    expect((await verifySigV4({ ...req, headers: { ...req.headers, 'content-type': 'text/html' } }, creds)).ok).toBe(false);
    expect(await verifySigV4(req, other)).toMatchObject({ ok: false, reason: 'unknown access key' });
    // An hour later the same request is stale.
    expect((await verifySigV4(req, creds, Date.now() + 3_600_000)).ok).toBe(false);
  });

  it('accepts a DynamoDB call (payload hashed from the body) and refuses a changed body', async () => {
    const ddb = new DynamoDBClient({ region: 'eu-west-1', endpoint, credentials: creds });
    const seen = capture(ddb);
    await ddb.send(new GetItemCommand({ TableName: 'qualtag', Key: { pk: { S: 'P#1' }, sk: { S: 'D#1' } } })).catch(() => {});
    const req = asSigned(seen());
    expect(req.body).toBeDefined();
    expect(await verifySigV4(req, creds)).toMatchObject({ ok: true, service: 'dynamodb' });
    expect((await verifySigV4({ ...req, body: Buffer.from(req.body!.toString().replace('D#1', 'D#2')) }, creds)).ok).toBe(false);
    expect((await verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-target': 'DynamoDB_20120810.Scan' } }, creds)).ok).toBe(false);
  });

  it('accepts presigned PUT and GET URLs until they expire, and refuses another key or method', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint, forcePathStyle: true, credentials: creds, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'uploads/p/x y.pdf', ContentType: 'application/pdf' }), { expiresIn: 60 });
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'b', Key: 'uploads/p/x y.pdf' }), { expiresIn: 60 });
    expect(await verifySigV4(fromUrl(put, 'PUT'), creds)).toEqual({ ok: true, service: 's3', presigned: true });
    expect((await verifySigV4(fromUrl(get, 'GET'), creds)).ok).toBe(true);
    expect((await verifySigV4(fromUrl(get, 'PUT'), creds)).ok).toBe(false);
    expect((await verifySigV4(fromUrl(put.replace('x%20y', 'x%20z'), 'PUT'), creds)).ok).toBe(false);
    expect((await verifySigV4(fromUrl(put, 'PUT'), creds, Date.now() + 61_000)).ok).toBe(false);
  });

  it('refuses unsigned and malformed requests with a reason', async () => {
    expect(await verifySigV4({ method: 'GET', rawPath: '/', rawQuery: '', headers: { host: '127.0.0.1:1' } }, creds)).toEqual({
      ok: false,
      reason: 'unsigned request',
    });
    const bad = await verifySigV4({ method: 'GET', rawPath: '/', rawQuery: '', headers: { host: '127.0.0.1:1', authorization: 'AWS S3RVER:abc' } }, creds);
    expect(bad.ok).toBe(false);
    const junk = await verifySigV4({ method: 'GET', rawPath: '/', rawQuery: 'X-Amz-Signature=%E0%A4%A', headers: { host: '127.0.0.1:1' } }, creds);
    expect(junk.ok).toBe(false);
  });
});
