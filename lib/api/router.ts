// A small router over the route table in contract.ts: match method + path, authenticate, validate the
// query and body with the route's zod schemas, call the handler, and turn errors into HTTP answers.
// The same function serves the api Lambda (functions/api.ts) and the local server (lib/local/http.ts).
import type * as z from 'zod';
import { QualtagError } from '../errors.js';
import { routes, type RouteName, type RouteSpec } from './contract.js';
import { errorResult, fromZod } from './errors.js';
import type { Authenticator } from './auth.js';
import { json, type ApiEvent, type ApiResult } from './http.js';

export interface RequestContext<Q = unknown, B = unknown> {
  userId: string;
  params: Record<string, string>;
  query: Q;
  body: B;
  event: ApiEvent;
}

type RouteQuery<N extends RouteName> = (typeof routes)[N] extends { query: infer S extends z.ZodType } ? z.output<S> : undefined;
type RouteBody<N extends RouteName> = (typeof routes)[N] extends { body: infer S extends z.ZodType } ? z.output<S> : undefined;

/** A handler returns a JSON-able value (200) or a ready ApiResult (downloads). */
export type Handlers = { [N in RouteName]: (ctx: RequestContext<RouteQuery<N>, RouteBody<N>>) => Promise<unknown> };

interface CompiledRoute {
  name: RouteName;
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

function compile(): CompiledRoute[] {
  return (Object.entries(routes) as Array<[RouteName, RouteSpec]>).map(([name, spec]) => {
    const names: string[] = [];
    // Templates are ours (contract.ts), never user input; each {param} matches one path segment.
    const src = spec.path
      .split('/')
      .map((part) => {
        const m = /^\{(\w+)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([^/]+)';
      })
      .join('/');
    return { name, spec, pattern: new RegExp(`^${src}/?$`), names };
  });
}

const compiled = compile();
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface RouterOptions {
  authenticate: Authenticator;
  handlers: Handlers;
  log?: (msg: string, err: unknown) => void;
}

function isApiResult(v: unknown): v is ApiResult {
  return typeof v === 'object' && v !== null && 'statusCode' in v && 'headers' in v && 'body' in v;
}

function parseBody(event: ApiEvent): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new QualtagError('TOO_LARGE', 'the request body is larger than 5 MB', 'Send a smaller file', 'body');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new QualtagError('BAD_REQUEST', 'the request body is not valid JSON', 'Send a JSON object with content-type application/json', 'body');
  }
}

/** Every id in a path (project, document, batch, import, report kind, export format) has this shape. */
const PATH_ID = /^[A-Za-z0-9._~:-]{1,128}$/;

function decodeParam(raw: string, name: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new QualtagError('BAD_REQUEST', `path parameter ${name} is not valid URL encoding`, 'Encode ids with encodeURIComponent', `path.${name}`);
  }
  // Checked before any lookup: a 3,000-character id used to reach DynamoDB and come back as a 500.
  if (!PATH_ID.test(value)) {
    throw new QualtagError(
      'BAD_REQUEST',
      `path parameter ${name} is not a valid id (${value.length > 128 ? `${value.length} characters` : 'unexpected characters'})`,
      'Ids are 1-128 letters, digits, dots, dashes, underscores, tildes or colons',
      `path.${name}`,
    );
  }
  return value;
}

export function createRouter(opts: RouterOptions): (event: ApiEvent) => Promise<ApiResult> {
  return async (event) => {
    try {
      const method = event.requestContext.http.method.toUpperCase();
      const path = event.rawPath || event.requestContext.http.path;
      let pathMatched = false;
      for (const route of compiled) {
        const m = route.pattern.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (route.spec.method !== method && !(method === 'HEAD' && route.spec.method === 'GET')) continue;
        const params: Record<string, string> = {};
        route.names.forEach((n, i) => {
          params[n] = decodeParam(m[i + 1]!, n);
        });
        const userId = route.spec.auth ? opts.authenticate(event) : '';
        let query: unknown;
        if (route.spec.query) {
          const parsed = route.spec.query.safeParse(event.queryStringParameters ?? {});
          if (!parsed.success) throw fromZod(parsed.error, 'query');
          query = parsed.data;
        }
        let body: unknown;
        if (route.spec.body) {
          const raw = parseBody(event);
          if (raw === undefined)
            throw new QualtagError('BAD_REQUEST', 'this route needs a JSON body', 'Send a JSON object with content-type application/json', 'body');
          const parsed = route.spec.body.safeParse(raw);
          if (!parsed.success) throw fromZod(parsed.error, 'body');
          body = parsed.data;
        }
        const handler = opts.handlers[route.name] as (ctx: RequestContext) => Promise<unknown>;
        const out = await handler({ userId, params, query, body, event });
        return isApiResult(out) ? out : json(200, out);
      }
      if (pathMatched) return json(405, { message: `${method} is not allowed on ${path}`, hint: 'See the route table in lib/api/contract.ts' });
      return json(404, { message: `no route ${method} ${path}`, hint: 'See the route table in lib/api/contract.ts' });
    } catch (e) {
      return errorResult(e, opts.log);
    }
  };
}
