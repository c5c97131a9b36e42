// `.qualtag/stack.json`: how CLI commands find the running local stack (written by `qualtag up`).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { QualtagError } from '../errors.js';
import { createAdapters, type Adapters } from '../store/index.js';
import { envDataDir, locateDataDir, notRunningHint, type Located } from './locate.js';

export const StackInfo = z.object({
  pid: z.number().int(),
  apiUrl: z.string(),
  dynamodbEndpoint: z.string(),
  s3Endpoint: z.string(),
  region: z.string(),
  tableName: z.string(),
  bucketName: z.string(),
  startedAt: z.string(),
  /** The per-start key pair of the local services (the file is readable by the user only). */
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
});
export type StackInfo = z.infer<typeof StackInfo>;

/** Where `qualtag up` keeps its data: QUALTAG_DATA_DIR, else ./.qualtag. */
export const defaultDataDir = (): string => path.resolve(envDataDir() ?? '.qualtag');
const file = (dataDir: string): string => path.join(dataDir, 'stack.json');

export function writeStackInfo(dataDir: string, info: StackInfo): void {
  const tmp = `${file(dataDir)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file(dataDir));
}

export function removeStackInfo(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running stack, or a QualtagError saying how to start or find it. */
export function readStackInfo(located: Located = locateDataDir()): StackInfo {
  const dataDir = located.dataDir;
  const notRunning = new QualtagError('NOT_FOUND', `no local qualtag stack is running in ${dataDir}`, notRunningHint(located), file(dataDir));
  if (!existsSync(file(dataDir))) throw notRunning;
  const parsed = StackInfo.safeParse(JSON.parse(readFileSync(file(dataDir), 'utf8')));
  if (!parsed.success || !alive(parsed.data.pid)) throw notRunning;
  return parsed.data;
}

/** Store adapters bound to the running stack's DynamoDB Local and s3rver. */
export function connectToStack(info: StackInfo): Adapters {
  return createAdapters(
    { tableName: info.tableName, bucketName: info.bucketName },
    {
      region: info.region,
      dynamodbEndpoint: info.dynamodbEndpoint,
      s3Endpoint: info.s3Endpoint,
      credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    },
  );
}
