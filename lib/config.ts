import * as z from 'zod';

// The one place that names the runtime settings shared by the handlers, the local stack and the CDK app.

/** Raw uploads live under this prefix: `uploads/<projectId>/<file name>`. Only it triggers ingest. */
export const UPLOAD_PREFIX = 'uploads/';

/** Text extracted from an upload is stored under this prefix (same bucket); it never triggers ingest. */
export const TEXT_PREFIX = 'text/';

/** REFI-QDA project imports (the .qdpx, the import plan) and the GUIDs and notes kept for exports: `imports/<projectId>/...`. */
export const IMPORT_PREFIX = 'imports/';

/** Files the export job built: `exports/<projectId>/<jobId>/<file name>`, downloaded through presigned URLs. */
export const EXPORT_PREFIX = 'exports/';

export const envNames = {
  table: 'TABLE_NAME',
  bucket: 'BUCKET_NAME',
  tagQueueUrl: 'TAG_QUEUE_URL',
  /** The export job queue (AWS); locally the stack runs export jobs in process. */
  exportQueueUrl: 'EXPORT_QUEUE_URL',
  /** Set on the api Lambda in AWS only: the Cognito user pool whose JWTs the HTTP API accepts. */
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** Set on the api Lambda in AWS only: the Secrets Manager secret that signs page cursors (lib/store/cursor-secret.ts). */
  cursorSecretArn: 'CURSOR_SECRET_ARN',
} as const;

const RuntimeConfig = z.object({
  [envNames.table]: z.string().min(1),
  [envNames.bucket]: z.string().min(1),
  [envNames.tagQueueUrl]: z.string().min(1).optional(),
  [envNames.exportQueueUrl]: z.string().min(1).optional(),
});

export interface RuntimeSettings {
  tableName: string;
  bucketName: string;
  tagQueueUrl?: string;
  exportQueueUrl?: string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const parsed = RuntimeConfig.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`qualtag is missing its runtime settings (${missing}); set them in the environment`);
  }
  return {
    tableName: parsed.data[envNames.table],
    bucketName: parsed.data[envNames.bucket],
    tagQueueUrl: parsed.data[envNames.tagQueueUrl],
    exportQueueUrl: parsed.data[envNames.exportQueueUrl],
  };
}
