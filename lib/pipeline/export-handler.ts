import * as z from 'zod';
import { runExportJob, type ExportJobDeps } from '../export/job.js';
import { batchHandler, type SqsHandler } from './batch.js';

const ExportMessage = z.object({ projectId: z.string().min(1).max(64), jobId: z.string().uuid() });

/** Export queue: one job per message (lib/export/job.ts builds it). */
export function createExportHandler(deps: ExportJobDeps): SqsHandler {
  return batchHandler(async (record) => {
    await runExportJob(deps, ExportMessage.parse(JSON.parse(record.body)));
  });
}
