// The local stack opens the UI at `/#token=...`: take the bearer token from the fragment on first
// load, keep it in sessionStorage (gone when the tab closes) and remove it from the address bar so
// it does not end up in history, bookmarks or screenshots.

const KEY = 'qualtag.token';

/** Reads `token` from a fragment like `#token=abc&x=y`; returns the token and the fragment without it. */
export function splitTokenFromHash(hash: string): { token: string | null; rest: string } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw.startsWith('token=') && !raw.includes('&token=')) return { token: null, rest: hash };
  const params = new URLSearchParams(raw);
  const token = params.get('token');
  params.delete('token');
  const rest = params.toString();
  return { token: token && token.length > 0 ? token : null, rest: rest ? `#${rest}` : '' };
}

export function captureToken(): string | null {
  const { token, rest } = splitTokenFromHash(window.location.hash);
  if (token) {
    sessionStorage.setItem(KEY, token);
    const url = window.location.pathname + window.location.search + (rest || '#/upload');
    window.history.replaceState(null, '', url);
  }
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}
