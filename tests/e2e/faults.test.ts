// Fault injection against the real one-machine stack (`node bin/qualtag.mjs up` in a child process,
// loopback only): kill -9 of node and of the JVM during an ingest of 40 transcripts and during a
// re-tag, concurrent uploads of one file name, anonymous / forged-Host / foreign-key requests to every
// port the stack listens on, and traversal keys. Each scenario asserts 0 lost uploads, 0 lost
// acknowledged decisions, 0 torn documents, 0 orphans and 0 side doors, and prints its figures.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectToStack, StackInfo } from '../../lib/local/state.js';
import { documentIdFor, uploadKey } from '../../lib/coding/upload-key.js';
import { all } from '../../lib/paging.js';
import type { DocumentRecord } from '../../lib/coding/index.js';
import { projectRoot } from '../helpers/shared.js';
import { javaProcessesFor, until } from './ui-harness.js';

const PROJECT = 'faults';
const figures: Record<string, Record<string, number>> = {};

interface Up {
  child: ChildProcess;
  exited: Promise<void>;
  info: StackInfo;
  token: string;
  jvm: number;
  output: () => string;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'qualtag-faults-'));
let current: Up | undefined;

async function up(): Promise<Up> {
  rmSync(path.join(dataDir, 'stack.json'), { force: true });
  let out = '';
  const child = spawn(process.execPath, ['bin/qualtag.mjs', 'up', '--port', '0', '--data-dir', dataDir, '--no-examples'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QUALTAG_DATA_DIR: dataDir },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const info = await until(
    'stack.json',
    async () =>
      existsSync(path.join(dataDir, 'stack.json')) && /Ctrl-C stops/.test(out)
        ? StackInfo.parse(JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')))
        : undefined,
    150_000,
  );
  const token = readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
  const [jvm] = javaProcessesFor(dataDir);
  current = { child, exited, info, token, jvm: jvm!, output: () => out };
  return current;
}

async function api<T>(u: Up, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${u.info.apiUrl}/api${p}`, {
    method,
    headers: { authorization: `Bearer ${u.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

function s3(u: Up): S3Client {
  return new S3Client({
    region: u.info.region,
    endpoint: u.info.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: u.info.accessKeyId, secretAccessKey: u.info.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** A transcript whose every line carries its own marker, so a mix of two uploads shows. */
function transcript(marker: string, turns = 12): string {
  const lines: string[] = [];
  for (let i = 0; i < turns; i++) {
    lines.push(`Interviewer: Vraag ${i} over samenwerking (${marker})?`);
    lines.push(`Respondent: Wij delen informatie en vertrouwen elkaar, zegt ${marker} in beurt ${i}.`);
  }
  return `${lines.join('\n')}\n`;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

async function killHard(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** JVMs still alive for this data dir some seconds after their stack's process died. */
async function orphansAfter(u: Up): Promise<number> {
  await u.exited;
  const end = Date.now() + 15_000;
  while (Date.now() < end && javaProcessesFor(dataDir).length > 0) await new Promise((r) => setTimeout(r, 200));
  const left = javaProcessesFor(dataDir);
  for (const pid of left) await killHard(pid);
  return left.length;
}

/** Uploads the files 8 at a time; calls `onAck` after each acknowledged PUT; returns the acknowledged ones. */
async function uploadAll(u: Up, files: Array<[string, string]>, onAck: (n: number) => void): Promise<Map<string, string>> {
  const client = s3(u);
  const acked = new Map<string, string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < files.length) {
        const [name, text] = files[next++]!;
        try {
          await client.send(new PutObjectCommand({ Bucket: u.info.bucketName, Key: uploadKey(PROJECT, name), Body: text, ContentType: 'text/plain' }));
          acked.set(name, text);
          onAck(acked.size);
        } catch {
          /* not acknowledged: the client knows it did not land */
        }
      }
    }),
  );
  return acked;
}

async function documents(u: Up): Promise<DocumentRecord[]> {
  const { store } = connectToStack(u.info);
  return all((p) => store.listDocuments(PROJECT, p));
}

/** Waits until every acknowledged upload has a finished document; returns lost and torn counts. */
async function settle(u: Up, acked: Map<string, string>, timeoutMs = 150_000): Promise<{ lost: number; torn: number }> {
  const { store, blobs } = connectToStack(u.info);
  const end = Date.now() + timeoutMs;
  // Read each document itself (the documents list index does not carry the content hash).
  const read = async (): Promise<Map<string, DocumentRecord | null>> =>
    new Map(await Promise.all([...acked.keys()].map(async (n) => [n, await store.getDocument(documentIdFor(PROJECT, n))] as const)));
  let docs = await read();
  const finished = (n: string): boolean => {
    const d = docs.get(n);
    return !!d && (d.status === 'TAGGED' || d.status === 'FAILED') && d.sha256 === sha(acked.get(n)!);
  };
  while (![...acked.keys()].every(finished) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500));
    docs = await read();
  }
  let lost = 0;
  let torn = 0;
  for (const [name, text] of acked) {
    const d = docs.get(name);
    if (d?.status !== 'TAGGED' || d.sha256 !== sha(text)) {
      lost++;
      continue;
    }
    // The extracted text must come from this upload only (its marker on every turn).
    const extracted = await blobs.getText(d.textKey!);
    const marker = /\((\S+)\)\?/.exec(text)![1]!;
    if (
      !extracted
        .split('\n')
        .filter((l) => l.startsWith('Respondent'))
        .every((l) => l.includes(marker))
    )
      torn++;
  }
  return { lost, torn };
}

function report(name: string, f: Record<string, number>): void {
  figures[name] = f;
  console.log(
    `faults: ${name}: ${Object.entries(f)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}

describe('fault injection on the one-machine stack', { timeout: 420_000 }, () => {
  afterAll(async () => {
    if (current) {
      await killHard(current.child.pid!);
      await current.exited;
    }
    for (const pid of javaProcessesFor(dataDir)) await killHard(pid);
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`faults: summary ${JSON.stringify(figures)}`);
  });

  it('kill -9 of node during an ingest of 40 transcripts: nothing lost or torn, no orphan JVM', async () => {
    let u = await up();
    expect((await api(u, 'POST', '/projects', { id: PROJECT, name: 'Faults' })).status).toBeLessThan(300);
    const codebook = readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8');
    expect((await api(u, 'POST', `/projects/${PROJECT}/codebook`, { fileName: 'codebook.yaml', content: codebook })).status).toBe(200);
    const files = Array.from({ length: 40 }, (_, i) => [`a-${String(i).padStart(2, '0')}.txt`, transcript(`a${i}`)] as [string, string]);
    const acked = await uploadAll(u, files, (n) => {
      if (n === 20) void killHard(u.child.pid!);
    });
    const orphans = await orphansAfter(u);
    const tmpLeft = readdirSync(tmpdir()).filter((f) => f.startsWith('qualtag-jvm-')).length;
    u = await up();
    const { lost, torn } = await settle(u, acked);
    report('kill node during ingest', {
      uploaded: files.length,
      acknowledged: acked.size,
      lost,
      torn,
      orphans,
      tmpLeft,
      redelivered: u.output().includes('resuming work') ? 1 : 0,
    });
    expect(acked.size).toBeGreaterThanOrEqual(20);
    expect({ lost, torn, orphans }).toEqual({ lost: 0, torn: 0, orphans: 0 });
    expect(tmpLeft).toBe(0);
  });

  it('kill -9 of the JVM during an ingest of 40 transcripts: the stack stops, the next start finishes everything', async () => {
    let u = current!;
    const files = Array.from({ length: 40 }, (_, i) => [`b-${String(i).padStart(2, '0')}.txt`, transcript(`b${i}`)] as [string, string]);
    const acked = await uploadAll(u, files, (n) => {
      if (n === 20) void killHard(u.jvm);
    });
    // The stack notices and exits by itself (nothing half-alive), leaving no JVM behind.
    await Promise.race([u.exited, new Promise((_, reject) => setTimeout(() => reject(new Error('the stack did not exit after its JVM died')), 30_000))]);
    const orphans = await orphansAfter(u);
    u = await up();
    const { lost, torn } = await settle(u, acked);
    report('kill JVM during ingest', { uploaded: files.length, acknowledged: acked.size, lost, torn, orphans });
    expect({ lost, torn, orphans }).toEqual({ lost: 0, torn: 0, orphans: 0 });
  });

  it('kill -9 of node during a re-tag: the next start finishes the re-tag on the new codebook', async () => {
    let u = current!;
    const csv = readFileSync(path.join(projectRoot, 'tests', 'fixtures', 'codebook', 'small-nl.csv'), 'utf8');
    const put = await api<{ version?: string; codebook?: { version: string } }>(u, 'POST', `/projects/${PROJECT}/codebook`, {
      fileName: 'small-nl.csv',
      content: csv,
      retag: true,
    });
    expect(put.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    await killHard(u.child.pid!);
    const orphans = await orphansAfter(u);
    u = await up();
    const { store } = connectToStack(u.info);
    const version = (await store.getCurrentCodebook(PROJECT))!.version;
    // Each document read itself (the list index does not carry codebookVersion).
    const full = async (): Promise<DocumentRecord[]> =>
      (await Promise.all((await documents(u)).map((d) => store.getDocument(d.id)))).filter((d): d is DocumentRecord => d !== null);
    const staleNow = async (): Promise<number> =>
      (await full()).filter((d) => d.status !== 'FAILED' && (d.status !== 'TAGGED' || d.codebookVersion !== version)).length;
    const stale = await until('re-tag finished', async () => ((await staleNow()) === 0 ? 0 : undefined), 150_000).catch(staleNow);
    const docs = await full();
    expect(docs.filter((d) => d.status === 'TAGGED').length).toBeGreaterThanOrEqual(40);
    report('kill node during re-tag', { documents: docs.length, staleAfterRestart: stale, orphans });
    expect({ stale, orphans }).toEqual({ stale: 0, orphans: 0 });
  });

  it('acknowledged decisions survive kill -9 of the JVM and of node', async () => {
    let lostDecisions = 0;
    let acknowledged = 0;
    let orphans = 0;
    for (const victim of ['jvm', 'node'] as const) {
      const u = current!;
      type Item = { coding: { id: string; documentId: string; segmentIndex?: number; code: string; version: number } };
      const queue = await api<{ items: Item[] }>(u, 'GET', `/projects/${PROJECT}/review-queue?limit=20`);
      expect(queue.status).toBe(200);
      const acked: Item['coding'][] = [];
      await Promise.all(
        queue.body.items.map(async ({ coding: c }) => {
          const r = await api(u, 'POST', `/projects/${PROJECT}/decisions`, { action: 'accept', documentId: c.documentId, codingId: c.id, version: c.version });
          if (r.status === 200) acked.push(c);
        }),
      );
      // Straight after the last acknowledgement.
      await killHard(victim === 'jvm' ? u.jvm : u.child.pid!);
      if (victim === 'node') orphans += await orphansAfter(u);
      else {
        await u.exited;
        orphans += await orphansAfter(u);
      }
      const next = await up();
      const { store } = connectToStack(next.info);
      for (const c of acked) {
        const coding = await store.getCoding({ documentId: c.documentId, segmentIndex: c.segmentIndex!, code: c.code });
        if (coding?.status !== 'accepted') lostDecisions++;
      }
      acknowledged += acked.length;
    }
    report('decisions under kill -9', { acknowledged, lost: lostDecisions, orphans });
    expect(acknowledged).toBeGreaterThan(0);
    expect({ lostDecisions, orphans }).toEqual({ lostDecisions: 0, orphans: 0 });
  });

  it('concurrent uploads of one file name leave one whole upload, and the document is tagged from it', async () => {
    const u = current!;
    const bodies = Array.from({ length: 10 }, (_, i) => transcript(`same${i}`, 200));
    const client = s3(u);
    const results = await Promise.allSettled(
      bodies.map((b) =>
        client.send(new PutObjectCommand({ Bucket: u.info.bucketName, Key: uploadKey(PROJECT, 'same.txt'), Body: b, ContentType: 'text/plain' })),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const { blobs } = connectToStack(u.info);
    const stored = await blobs.getText(uploadKey(PROJECT, 'same.txt'));
    const tornObject = bodies.includes(stored) ? 0 : 1;
    const { store } = connectToStack(u.info);
    const doc = await until(
      'same.txt tagged from the stored upload',
      async () => {
        const d = await store.getDocument(documentIdFor(PROJECT, 'same.txt'));
        return d?.status === 'TAGGED' && d.sha256 === sha(stored) ? d : undefined;
      },
      120_000,
    );
    const text = await blobs.getText(doc.textKey!);
    const marker = /\((\S+)\)\?/.exec(stored)![1]!;
    const tornDocument = text
      .split('\n')
      .filter((l) => l.startsWith('Respondent'))
      .every((l) => l.includes(marker))
      ? 0
      : 1;
    report('concurrent same-name uploads', { uploads: bodies.length, acknowledged: ok, tornObject, tornDocument });
    expect({ tornObject, tornDocument }).toEqual({ tornObject: 0, tornDocument: 0 });
  });

  it('no side doors: every listening port refuses anonymous, forged-Host and foreign-key requests and answers no CORS preflight; traversal keys are refused', async () => {
    // Also runnable alone (-t 'no side doors'): then it starts the stack itself.
    const u = current ?? (await up());
    const ports = listeningPorts([u.child.pid!, u.jvm]);
    const probes: Array<{ port: number; what: string; status: number; open: boolean; cors: boolean }> = [];
    const raw = (
      port: number,
      method: string,
      p: string,
      headers: Record<string, string>,
      body = '',
    ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
      new Promise((resolve) => {
        const r = request({ host: '127.0.0.1', port, method, path: p, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          let b = '';
          res.on('data', (c: Buffer) => (b += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }));
        });
        r.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
        r.end(body);
      });
    const foreign = await signedHeaders('S3RVER', 'S3RVER');
    for (const port of ports) {
      const local = { host: `127.0.0.1:${port}` };
      const cases: Array<[string, string, string, Record<string, string>, string?]> = [
        ['anonymous S3 list', 'GET', `/${u.info.bucketName}?list-type=2`, local],
        ['anonymous S3 put', 'PUT', `/${u.info.bucketName}/uploads/${PROJECT}/anon.txt`, local, 'Interviewer: x'],
        [
          'anonymous DynamoDB scan',
          'POST',
          '/',
          { ...local, 'x-amz-target': 'DynamoDB_20120810.Scan', 'content-type': 'application/x-amz-json-1.0' },
          JSON.stringify({ TableName: u.info.tableName }),
        ],
        [
          'foreign-key DynamoDB scan',
          'POST',
          '/',
          { ...local, ...foreign, 'x-amz-target': 'DynamoDB_20120810.Scan', 'content-type': 'application/x-amz-json-1.0' },
          JSON.stringify({ TableName: u.info.tableName }),
        ],
        ['forged Host S3 list', 'GET', `/${u.info.bucketName}?list-type=2`, { host: `evil.example:${port}` }],
        ['forged Host API', 'GET', '/api/projects', { host: `evil.example:${port}`, authorization: `Bearer ${u.token}` }],
        ['anonymous API', 'GET', `/api/projects/${PROJECT}/documents`, local],
        [
          'CORS preflight',
          'OPTIONS',
          `/${u.info.bucketName}/uploads/${PROJECT}/x.txt`,
          { ...local, origin: 'http://evil.example', 'access-control-request-method': 'PUT' },
        ],
        // The UI's own origin gets no CORS either: its uploads and downloads go through the API's /s3 path.
        [
          'CORS preflight from the UI origin',
          'OPTIONS',
          `/${u.info.bucketName}/uploads/${PROJECT}/x.txt`,
          { ...local, origin: u.info.apiUrl, 'access-control-request-method': 'PUT' },
        ],
        [
          'CORS preflight from the UI origin via /s3',
          'OPTIONS',
          `/s3/${u.info.bucketName}/uploads/${PROJECT}/x.txt`,
          { ...local, origin: u.info.apiUrl, 'access-control-request-method': 'PUT' },
        ],
        ['anonymous S3 list via /s3', 'GET', `/s3/${u.info.bucketName}?list-type=2`, local],
        ['anonymous S3 put via /s3', 'PUT', `/s3/${u.info.bucketName}/uploads/${PROJECT}/anon.txt`, { ...local, origin: u.info.apiUrl }, 'Interviewer: x'],
        [
          'cross-origin S3 put via /s3',
          'PUT',
          `/s3/${u.info.bucketName}/uploads/${PROJECT}/anon.txt`,
          { ...local, origin: 'http://evil.example' },
          'Interviewer: x',
        ],
      ];
      for (const [what, method, p, headers, body] of cases) {
        const r = await raw(port, method, p, headers, body);
        const open =
          (r.status >= 200 && r.status < 300 && !(r.body.trimStart().startsWith('<!doctype html>') || r.body.trimStart().startsWith('<!DOCTYPE html>'))) ||
          r.headers['access-control-allow-origin'] !== undefined;
        probes.push({ port, what, status: r.status, open, cors: r.headers['access-control-allow-origin'] !== undefined });
      }
    }
    // Traversal keys, validly signed with the stack's own key: refused before anything is written.
    const traversal: number[] = [];
    for (const key of [
      'uploads/faults/..%2F..%2F..%2Fescape-1.txt',
      'uploads/faults/%2E%2E/%2E%2E/escape-2.txt',
      'uploads/faults/a%5C..%5Cescape-3.txt',
      'uploads/faults/x%00.txt',
    ]) {
      const p = `/${u.info.bucketName}/${key}`;
      const signed = await signRequest(u, 'PUT', p, 'escape');
      traversal.push((await raw(Number(new URL(u.info.s3Endpoint).port), 'PUT', p, signed, 'escape')).status);
    }
    const escaped = findFiles(dataDir, /escape-\d/).length;
    const sideDoors = probes.filter((p) => p.open);
    const corsAnswered = probes.filter((p) => p.cors).length;
    report('side doors', {
      ports: ports.length,
      probes: probes.length,
      sideDoors: sideDoors.length,
      corsAnswered,
      traversalAccepted: traversal.filter((s) => s < 400).length,
      filesOutside: escaped,
    });
    expect(ports.length).toBeGreaterThanOrEqual(4); // API, S3 guard, DynamoDB guard, the JVM's own port
    expect(sideDoors).toEqual([]);
    expect(corsAnswered).toBe(0);
    expect(traversal.every((s) => s === 400)).toBe(true);
    expect(escaped).toBe(0);
  });
});

/** TCP ports in LISTEN state owned by these processes (from /proc). */
function listeningPorts(pids: number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return [...ports].sort();
}

/** Files named like `name` in the data dir (recursively) and in the two folders above it (where `../` keys would land). */
function findFiles(root: string, name: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) if (name.test(e.name)) out.push(path.join(e.parentPath, e.name));
  for (const dir of [path.dirname(root), path.dirname(path.dirname(root))]) for (const f of readdirSync(dir)) if (name.test(f)) out.push(path.join(dir, f));
  return out;
}

class NodeSha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(d: string | Uint8Array): void {
    this.h.update(d);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

/** Headers of a DynamoDB call signed with some other key pair (what a probe without the stack's key can do). */
async function signedHeaders(accessKeyId: string, secretAccessKey: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region: 'eu-west-1', service: 'dynamodb', sha256: NodeSha256 as never });
  const r = (await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: '/',
    headers: { host: '127.0.0.1' },
    query: {},
  } as never)) as unknown as { headers: Record<string, string> };
  const h = r.headers;
  return { authorization: h.authorization!, 'x-amz-date': h['x-amz-date']! };
}

/** An S3 request signed with the stack's own key for an exact (odd) path. */
async function signRequest(u: Up, method: string, p: string, body: string): Promise<Record<string, string>> {
  const port = Number(new URL(u.info.s3Endpoint).port);
  const signer = new SignatureV4({
    credentials: { accessKeyId: u.info.accessKeyId, secretAccessKey: u.info.secretAccessKey },
    region: u.info.region,
    service: 's3',
    sha256: NodeSha256 as never,
    uriEscapePath: false,
  });
  const r = (await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: p,
    headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': sha(body) },
    query: {},
    body,
  } as never)) as unknown as { headers: Record<string, string> };
  return r.headers;
}
