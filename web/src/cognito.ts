// On AWS the UI is served by CloudFront next to a `config.json` (API URL and Cognito ids, written at
// deploy time). Sign-in is Cognito's hosted UI with the authorization-code flow and PKCE; the ID
// token is kept in sessionStorage like the local token. Locally there is no config.json.
import { setToken, getToken } from './token.js';

export interface RuntimeConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  authDomain: string;
}

const VERIFIER = 'qualtag.pkce.verifier';
const STATE = 'qualtag.pkce.state';

function isConfig(v: unknown): v is RuntimeConfig {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['apiUrl', 'region', 'userPoolId', 'userPoolClientId', 'authDomain'].every((k) => typeof o[k] === 'string' && (o[k] as string).length > 0);
}

/** Served by `qualtag up` on a loopback address: no config.json there (and no 404 to log). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig | null> {
  if (isLoopbackHost(window.location.hostname)) return null;
  try {
    const res = await fetch('./config.json', { cache: 'no-store' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
    const body: unknown = await res.json();
    return isConfig(body) ? body : null;
  } catch {
    return null;
  }
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Seconds until the JWT expires (negative when expired; -1 when unreadable). */
export function jwtSecondsLeft(token: string, nowMs = Date.now()): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp - nowMs / 1000 : -1;
  } catch {
    return -1;
  }
}

function redirectUri(): string {
  return `${window.location.origin}/`;
}

/** Returns a valid ID token, finishing a sign-in that just came back, or starts one (and returns null). */
export async function cognitoToken(cfg: RuntimeConfig): Promise<string | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (code && params.get('state') === sessionStorage.getItem(STATE)) {
    const res = await fetch(`${cfg.authDomain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: cfg.userPoolClientId,
        code,
        redirect_uri: redirectUri(),
        code_verifier: sessionStorage.getItem(VERIFIER) ?? '',
      }),
    });
    sessionStorage.removeItem(VERIFIER);
    sessionStorage.removeItem(STATE);
    window.history.replaceState(null, '', `${window.location.pathname}#/upload`);
    if (res.ok) {
      const body = (await res.json()) as { id_token?: unknown };
      if (typeof body.id_token === 'string') {
        setToken(body.id_token);
        return body.id_token;
      }
    }
  }
  const stored = getToken();
  if (stored && jwtSecondsLeft(stored) > 30) return stored;

  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const url = new URL(`${cfg.authDomain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.userPoolClientId,
    redirect_uri: redirectUri(),
    scope: 'openid email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
  return null;
}
