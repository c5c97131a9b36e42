// The one place that talks HTTP: same-origin `/api/...` with the bearer token; errors become
// ApiError carrying the server's `{ message, hint?, where? }` and, for 409, the current state.
import { getToken } from './token.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
    readonly where?: string,
    /** The whole error body (a 409 carries the item's current state here). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let base: string | null = null;

/** Base URL of the API: set by detection at start-up, or given by `<meta name="qualtag-api">`. */
export function apiBase(): string {
  if (base !== null) return base;
  const meta = document.querySelector<HTMLMetaElement>('meta[name="qualtag-api"]');
  return (meta?.content ?? '').replace(/\/$/, '');
}

export function setApiBase(value: string): void {
  base = value.replace(/\/$/, '');
}

function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const b = isRecord(body) ? body : {};
  const message = typeof b.message === 'string' ? b.message : `${res.status} ${res.statusText || 'request failed'}`;
  return new ApiError(res.status, message, typeof b.hint === 'string' ? b.hint : undefined, typeof b.where === 'string' ? b.where : undefined, body);
}

/** Sends one API request with the token (the typed client in api.ts calls it); a status that is not 2xx throws ApiError. */
export async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...authHeaders(), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiBase() + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The qualtag server cannot be reached.', 'Is `npm start` still running?');
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** PUTs a file to a presigned URL with upload progress (fetch has no upload progress; XHR does). */
export function putWithProgress(url: string, file: Blob, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new ApiError(xhr.status, `Upload failed: ${xhr.status} ${xhr.statusText}`)));
    xhr.onerror = () => reject(new ApiError(0, 'Upload failed: the storage server cannot be reached.'));
    xhr.send(file);
  });
}
