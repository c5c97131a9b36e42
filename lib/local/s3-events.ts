// s3rver emits events that are not shaped like real S3 notifications (raw keys, eventVersion 2.0,
// us-east-1, no prefix filter, multipart as ObjectCreated:Post). toS3Event turns one into what S3
// would send for the `uploads/` notification, so the handlers decode keys exactly as on AWS.
import type { S3Event, S3EventRecord } from 'aws-lambda';
import * as z from 'zod';
import { UPLOAD_PREFIX } from '../config.js';

const S3rverRecord = z.object({
  eventName: z.string(),
  eventTime: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.number().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
const S3rverEvent = z.object({ Records: z.array(S3rverRecord) });

/** How S3 writes a key into a notification: URL form encoding, `/` kept, space as `+`. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

export interface ToS3EventOptions {
  region?: string;
  /** Only keys under this prefix notify (the CDK notification filter); default `uploads/`. */
  prefix?: string;
}

/** The real-shaped event for an s3rver event, or null when no record passes the prefix filter. */
export function toS3Event(raw: unknown, opts: ToS3EventOptions = {}): S3Event | null {
  const parsed = S3rverEvent.safeParse(raw);
  if (!parsed.success) return null;
  const prefix = opts.prefix ?? UPLOAD_PREFIX;
  const region = opts.region ?? process.env.AWS_REGION ?? 'eu-west-1';
  const records = parsed.data.Records.filter((r) => r.s3.object.key.startsWith(prefix)).map((r) =>
    s3Record({ ...r.s3.object, bucket: r.s3.bucket.name, eventName: r.eventName, eventTime: r.eventTime, region }),
  );
  return records.length ? { Records: records } : null;
}

export interface ObjectEventInput {
  bucket: string;
  /** The key as stored (not encoded). */
  key: string;
  eventName?: string;
  eventTime?: string;
  size?: number;
  eTag?: string;
  versionId?: string;
  sequencer?: string;
  region?: string;
}

/** One S3 notification record as AWS sends it (also used by tests to build events). */
export function s3Record(o: ObjectEventInput): S3EventRecord {
  const eventName = o.eventName === 'ObjectCreated:Post' ? 'ObjectCreated:CompleteMultipartUpload' : (o.eventName ?? 'ObjectCreated:Put');
  const object: S3EventRecord['s3']['object'] = {
    key: encodeS3Key(o.key),
    size: o.size ?? 0,
    eTag: o.eTag ?? '',
    sequencer: o.sequencer ?? Date.now().toString(16).toUpperCase(),
  };
  if (o.versionId) object.versionId = o.versionId;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: o.region ?? process.env.AWS_REGION ?? 'eu-west-1',
    eventTime: o.eventTime ?? new Date().toISOString(),
    eventName: eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'uploads',
      bucket: { name: o.bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${o.bucket}` },
      object,
    },
  };
}
