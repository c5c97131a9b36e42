// The API as one function: event in, result out. functions/api.ts and lib/local/http.ts both use it.
import type { Authenticator } from './auth.js';
import { createHandlers, type ApiDeps } from './handlers.js';
import type { ApiEvent, ApiResult } from './http.js';
import { createRouter } from './router.js';

export type { ApiDeps } from './handlers.js';
export type { ApiEvent, ApiResult } from './http.js';
export { jwtAuthenticator, tokenAuthenticator, type Authenticator } from './auth.js';

export type Api = (event: ApiEvent) => Promise<ApiResult>;

export function createApi(deps: ApiDeps, authenticate: Authenticator, log?: (msg: string, err: unknown) => void): Api {
  return createRouter({ authenticate, handlers: createHandlers(deps), ...(log ? { log } : {}) });
}
