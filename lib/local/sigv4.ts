// Verifies AWS Signature Version 4 on requests to the local storage services, by recomputing the
// signature with the SDK's own signer (@smithy/signature-v4) and the stack's per-start credentials.
// Both forms are checked: the Authorization header (SDK calls) and the query string (presigned URLs).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** The path as sent (still percent-encoded). */
  rawPath: string;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The whole body when it was buffered (DynamoDB): checked against x-amz-content-sha256 too. */
  body?: Buffer;
}

export type Verdict = { ok: true; service: string; presigned: boolean } | { ok: false; reason: string };

/** How far a header-signed request's clock may be from ours (AWS allows 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;

function toBytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === 'string') return d;
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** node:crypto behind the SDK's Checksum interface: a plain hash, or an HMAC when given a secret. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {}
}

function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    out[k] = decodeURIComponent(i < 0 ? '' : part.slice(i + 1));
  }
  return out;
}

/** `20261204T074405Z` → Date, or null. */
function parseAmzDate(s: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  if (!m) return null;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(c: string | undefined): Scope | null {
  const parts = (c ?? '').split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return null;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service };
}

function signer(creds: Credentials, scope: Scope): SignatureV4 {
  // S3 signs the path as sent and puts the payload hash in a header; other services double-encode.
  const s3 = scope.service === 's3';
  return new SignatureV4({ credentials: creds, region: scope.region, service: scope.service, sha256: Sha256, uriEscapePath: !s3, applyChecksum: s3 });
}

function hostParts(host: string): { hostname: string; port?: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  return m?.[2] ? { hostname: m[1]!, port: Number(m[2]) } : { hostname: m?.[1] ?? host };
}

/** Checks the request's SigV4 signature against `creds`; `now` for tests. */
export async function verifySigV4(req: SignedRequest, creds: Credentials, now = Date.now()): Promise<Verdict> {
  try {
    return await verify(req, creds, now);
  } catch (e) {
    return { ok: false, reason: `malformed signature: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function verify(req: SignedRequest, creds: Credentials, now: number): Promise<Verdict> {
  const query = parseQuery(req.rawQuery);
  const auth = req.headers.authorization;
  const presigned = 'X-Amz-Signature' in query;
  if (auth && presigned) return { ok: false, reason: 'two signatures (header and query)' };
  if (!auth && !presigned) return { ok: false, reason: 'unsigned request' };
  const host = req.headers.host;
  if (!host) return { ok: false, reason: 'no Host header' };

  const declared = req.headers['x-amz-content-sha256'];
  if (req.body && declared !== undefined && createHash('sha256').update(req.body).digest('hex') !== declared) {
    return { ok: false, reason: 'the body does not match x-amz-content-sha256' };
  }

  if (auth) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return { ok: false, reason: 'not an AWS4-HMAC-SHA256 Authorization header' };
    const scope = parseCredential(m[1]);
    if (!scope || !sameSecret(scope.accessKeyId, creds.accessKeyId)) return { ok: false, reason: 'unknown access key' };
    const date = parseAmzDate(req.headers['x-amz-date']);
    if (!date || Math.abs(now - date.getTime()) > MAX_SKEW_MS) return { ok: false, reason: 'x-amz-date missing or more than 15 minutes off' };
    const signedNames = m[2]!.split(';');
    if (!signedNames.includes('host')) return { ok: false, reason: 'the Host header is not signed' };
    const headers: Record<string, string> = {};
    for (const n of signedNames) {
      const v = req.headers[n];
      if (v === undefined) return { ok: false, reason: `signed header ${n} is missing` };
      headers[n] = v;
    }
    const signed = await signer(creds, scope).sign(
      { method: req.method, protocol: 'http:', ...hostParts(host), path: req.rawPath, query, headers, ...(req.body ? { body: req.body } : {}) },
      { signingDate: date, signingRegion: scope.region, signingService: scope.service, signableHeaders: new Set(signedNames) },
    );
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
    if (!sameSecret(expected, m[3]!)) return { ok: false, reason: 'signature does not match' };
    return { ok: true, service: scope.service, presigned: false };
  }

  if (query['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256') return { ok: false, reason: 'unsupported X-Amz-Algorithm' };
  const scope = parseCredential(query['X-Amz-Credential']);
  if (!scope || !sameSecret(scope.accessKeyId, creds.accessKeyId)) return { ok: false, reason: 'unknown access key' };
  const date = parseAmzDate(query['X-Amz-Date']);
  const expires = Number(query['X-Amz-Expires']);
  if (!date || !Number.isInteger(expires) || expires < 1 || expires > 7 * 86_400) return { ok: false, reason: 'bad X-Amz-Date or X-Amz-Expires' };
  if (now > date.getTime() + expires * 1000 || date.getTime() - now > MAX_SKEW_MS) return { ok: false, reason: 'the presigned URL has expired' };
  const signedNames = (query['X-Amz-SignedHeaders'] ?? '').split(';');
  if (!signedNames.includes('host')) return { ok: false, reason: 'the Host header is not signed' };
  const headers: Record<string, string> = {};
  for (const n of signedNames) {
    const v = req.headers[n];
    if (v === undefined) return { ok: false, reason: `signed header ${n} is missing` };
    headers[n] = v;
  }
  // presign() adds the auth parameters itself; the payload hash travels as a header it hoists back.
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (!['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Content-Sha256'].includes(k))
      rest[k] = v;
  }
  headers['X-Amz-Content-Sha256'] = query['X-Amz-Content-Sha256'] ?? 'UNSIGNED-PAYLOAD';
  const signed = await signer(creds, scope).presign(
    { method: req.method, protocol: 'http:', ...hostParts(host), path: req.rawPath, query: rest, headers },
    {
      signingDate: date,
      expiresIn: expires,
      signingRegion: scope.region,
      signingService: scope.service,
      signableHeaders: new Set(signedNames),
      unhoistableHeaders: new Set(signedNames),
    },
  );
  const expected = String(signed.query?.['X-Amz-Signature'] ?? '');
  if (!sameSecret(expected, query['X-Amz-Signature']!)) return { ok: false, reason: 'signature does not match' };
  return { ok: true, service: scope.service, presigned: true };
}
