// End-to-end local ingest: 100 transcripts (the corpus transcripts repeated; the examples without
// ../shared) uploaded to s3rver, through the same ingest and tag handlers as on AWS, into DynamoDB Local.
// Reports documents/minute, DynamoDB items written per second, peak memory, and the AWS requests and
// Lambda invocations per document (for the cost note in infra/).
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCodebook } from '../lib/codebook/index.js';
import { examplesDir } from '../lib/local/examples.js';
import { startLocalStack } from '../lib/local/stack.js';
import { uploadKey } from '../lib/pipeline/index.js';
import { s3Client } from '../lib/store/clients.js';
import { sharedDir } from '../tests/helpers/shared.js';
import { peakRssMb, type BenchReport } from './report.js';

const DOCS = 100;

function inputs(): { files: Array<{ name: string; bytes: Buffer }>; codebook: { name: string; text: string }; source: string } {
  if (sharedDir) {
    const dir = path.join(sharedDir, 'corpus/transcripts/zoetermeer-2021');
    const names = readdirSync(dir)
      .filter((f) => !f.endsWith('.jsonl'))
      .sort();
    return {
      files: names.map((n) => ({ name: n, bytes: readFileSync(path.join(dir, n)) })),
      codebook: { name: 'zoetermeer-2021.yaml', text: readFileSync(path.join(sharedDir, 'corpus/codebooks/zoetermeer-2021.yaml'), 'utf8') },
      source: 'corpus transcripts (zoetermeer-2021)',
    };
  }
  const names = readdirSync(examplesDir).filter((f) => f.startsWith('interview-'));
  return {
    files: names.map((n) => ({ name: n, bytes: readFileSync(path.join(examplesDir, n)) })),
    codebook: { name: 'codebook.yaml', text: readFileSync(path.join(examplesDir, 'codebook.yaml'), 'utf8') },
    source: 'examples/ (../shared not found)',
  };
}

export default async function pipelineBench(): Promise<BenchReport> {
  const { files, codebook, source } = inputs();
  const requests = new Map<string, number>();
  let itemsWritten = 0;
  const invocations = { ingest: 0, tag: 0 };
  const count = (k: string) => requests.set(k, (requests.get(k) ?? 0) + 1);

  const stack = await startLocalStack({
    concurrency: 2,
    onInvoke: (fn) => invocations[fn]++,
    clients: {
      instrument: (client) => {
        const service = client.constructor.name.replace('Client', '').toLowerCase();
        (client as DynamoDBClient).middlewareStack.add(
          (next, context) => async (args) => {
            const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
            count(`${service}:${command}`);
            const input = args.input as { RequestItems?: Record<string, unknown[]>; TransactItems?: unknown[] };
            if (command === 'BatchWriteItem') itemsWritten += Object.values(input.RequestItems ?? {}).reduce((n, r) => n + r.length, 0);
            if (command === 'TransactWriteItems') itemsWritten += input.TransactItems?.length ?? 0;
            if (command === 'PutItem' || command === 'UpdateItem' || command === 'DeleteItem') itemsWritten += 1;
            return next(args);
          },
          { step: 'initialize', name: 'benchCount' },
        );
      },
    },
  });
  try {
    const projectId = 'bench';
    const cb = parseCodebook(codebook.text, codebook.name);
    await stack.store.createProject({ id: projectId, name: 'bench', members: ['local'], createdBy: 'bench' });
    await stack.store.putCodebookVersion({
      projectId,
      version: cb.version,
      codebook: cb,
      sourceText: codebook.text,
      fileName: codebook.name,
      createdBy: 'bench',
    });
    // Setup requests are not the pipeline's: count from here.
    requests.clear();
    itemsWritten = 0;

    const uploader = s3Client({ ...stack.clientOptions, instrument: undefined }); // uploads are the user's, not the pipeline's
    const t0 = performance.now();
    for (let i = 0; i < DOCS; i++) {
      const f = files[i % files.length]!;
      await uploader.send(
        new PutObjectCommand({ Bucket: stack.bucketName, Key: uploadKey(projectId, `r${String(i).padStart(3, '0')}-${f.name}`), Body: f.bytes }),
      );
    }
    await stack.idle();
    const seconds = (performance.now() - t0) / 1000;

    const docs = (await stack.store.listDocuments(projectId, { limit: 500 })).items;
    const tagged = docs.filter((d) => d.status === 'TAGGED').length;
    const failed = docs.filter((d) => d.status === 'FAILED');
    const segments = docs.reduce((n, d) => n + (d.segmentCount ?? 0), 0);
    const proposals = docs.reduce((n, d) => n + (d.proposalCount ?? 0), 0);
    const perMinute = (tagged / seconds) * 60;
    const total = (prefix: string) => [...requests].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    const per = (n: number) => Math.round((n / DOCS) * 100) / 100;

    const rows: BenchReport['rows'] = [
      { metric: 'documents', value: DOCS },
      { metric: 'TAGGED', value: tagged },
      { metric: 'FAILED', value: failed.length },
      { metric: 'segments', value: segments },
      { metric: 'rule proposals', value: proposals },
      { metric: 'seconds (upload → all TAGGED)', value: Math.round(seconds * 10) / 10 },
      { metric: 'documents per minute', value: Math.round(perMinute) },
      { metric: 'DynamoDB items written', value: itemsWritten },
      { metric: 'DynamoDB items written per second', value: Math.round(itemsWritten / seconds) },
      { metric: 'peak RSS of this process (MB, excl. DynamoDB Local JVM)', value: peakRssMb() },
      { metric: 'per document: S3 requests', value: per(total('s3:')) },
      { metric: 'per document: DynamoDB requests', value: per(total('dynamodb:')) },
      { metric: 'per document: SQS messages (1 S3 notification + 1 tag hand-over)', value: per(invocations.ingest ? DOCS * 2 : 0) },
      { metric: 'per document: ingest invocations', value: per(invocations.ingest) },
      { metric: 'per document: tag invocations', value: per(invocations.tag) },
      ...[...requests].sort().map(([k, v]) => ({ metric: `per document: ${k}`, value: per(v) })),
    ];
    return {
      rows,
      targets: [
        { name: 'transcripts per minute', want: '≥ 100', actual: String(Math.round(perMinute)), met: perMinute >= 100 },
        { name: 'failed documents', want: '0', actual: String(failed.length), met: failed.length === 0 && tagged === DOCS },
      ],
      notes: [
        `input: ${files.length} files from ${source}, repeated to ${DOCS} uploads; in-process queues with 2 concurrent batches per function`,
        'SQS messages are counted as the local queue delivers them; on AWS ingest batches of up to 10 messages cut invocations further',
        ...failed.map((d) => `FAILED ${d.fileName}: ${d.reason}`),
      ],
    };
  } finally {
    await stack.stop();
  }
}
