// S3 event notifications as they arrive in SQS message bodies (validated: they come from outside).
import * as z from 'zod';

const S3Record = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

const Notification = z.union([z.object({ Event: z.literal('s3:TestEvent') }), z.object({ Records: z.array(S3Record) })]);

export interface UploadedObjectRef {
  bucket: string;
  /** Decoded key. */
  key: string;
  versionId?: string;
  eTag?: string;
  sequencer?: string;
}

/** S3 encodes keys in events as URL form data: `+` is a space, then percent-encoding. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * The created objects named by one SQS message body. A test event (sent when the notification is
 * configured) and removal events yield none. Throws on a body that is not an S3 notification.
 */
export function objectsFromNotification(body: string): UploadedObjectRef[] {
  const parsed = Notification.parse(JSON.parse(body));
  if ('Event' in parsed) return [];
  return parsed.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeS3Key(r.s3.object.key),
    ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
    ...(r.s3.object.eTag ? { eTag: r.s3.object.eTag } : {}),
    ...(r.s3.object.sequencer ? { sequencer: r.s3.object.sequencer } : {}),
  }));
}
