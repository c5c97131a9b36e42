// The one typed client of the HTTP API, derived from the route table: a method per route (named as the
// route), taking the path parameters, `query` and `body` its schemas allow and answering its response
// type. The CLI (client.ts) and the web UI (web/src/api.ts) each give it a `send` that talks HTTP and
// throws their own error type. Imports at run time only zod-free modules: the web bundle uses it.
import type * as z from 'zod';
import { all, type Page, type PageRequest } from '../paging.js';
import type { ReportByKind, ReportKind } from '../report/registry.js';
import type { ExportFormat, routes } from './contract.js';
import { endpoints, pathFor, type RouteName } from './endpoints.js';

type Spec<N extends RouteName> = (typeof routes)[N];
type ParamNames<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | ParamNames<Rest> : never;

/** A report kind and an export format are the lists they name, so a literal keeps its answer's type. */
type ParamValue<K extends string> = K extends 'kind' ? ReportKind : K extends 'format' ? ExportFormat : string;
/** The path parameters of a route (`{ projectId, documentId }`). */
export type RouteParams<N extends RouteName> = { [K in ParamNames<(typeof endpoints)[N]['path']>]: ParamValue<K> };
/** Query parameters as the handler sees them after parsing (defaults left to the server). */
export type RouteQuery<N extends RouteName> = Spec<N> extends { query: infer S extends z.ZodType } ? Partial<z.output<S>> : never;
/** The body as the caller writes it (defaults may be left out). */
export type RouteBody<N extends RouteName> = Spec<N> extends { body: infer S extends z.ZodType } ? z.input<S> : never;

export type RouteArgs<N extends RouteName> = RouteParams<N> &
  ([RouteQuery<N>] extends [never] ? unknown : { query?: RouteQuery<N> }) &
  ([RouteBody<N>] extends [never] ? unknown : { body: RouteBody<N> });

/** The answer: the response schema's type, the report of the kind asked, or the raw Response of a download. */
export type RouteResult<N extends RouteName, A = unknown> = N extends 'report'
  ? A extends { kind: infer K extends ReportKind }
    ? ReportByKind[K]
    : ReportByKind[ReportKind]
  : Spec<N> extends { response: infer S extends z.ZodType }
    ? z.output<S>
    : Response;

export type RouteClient = { [N in RouteName]: <A extends RouteArgs<N>>(args: A) => Promise<RouteResult<N, A>> };

/** Sends one request (body as JSON when given) and answers the Response; throws on a status that is not 2xx. */
export type Send = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Response>;

/** `?a=1&b=x` of the defined, non-empty values (`''` when none). */
export function queryString(params: object | undefined): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function createRouteClient(send: Send): RouteClient {
  const api: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {};
  for (const [name, ep] of Object.entries(endpoints)) {
    api[name] = async (args) => {
      const params = Object.fromEntries(Object.entries(args).filter(([k, v]) => k !== 'query' && k !== 'body' && typeof v === 'string')) as Record<
        string,
        string
      >;
      const res = await send(ep.method, pathFor(ep.path, params) + queryString(args.query as object | undefined), args.body);
      if ('download' in ep) return res;
      return res.status === 204 ? undefined : await res.json();
    };
  }
  return api as RouteClient;
}

/** Routes that answer pages. */
export type PagedRoute = { [N in RouteName]: RouteResult<N> extends Page<unknown> ? (RouteQuery<N> extends PageRequest ? N : never) : never }[RouteName];

/** Every item of a paged route, page after page (lib/paging.ts), up to `max`. */
export function allOf<N extends PagedRoute>(
  api: RouteClient,
  name: N,
  args: RouteArgs<N>,
  max?: number,
): Promise<Array<RouteResult<N> extends Page<infer T> ? T : never>> {
  const call = api[name] as unknown as (a: object) => Promise<Page<RouteResult<N> extends Page<infer T> ? T : never>>;
  const query = (args as { query?: object }).query ?? {};
  return all((p) => call({ ...args, query: { ...query, ...p } }), max === undefined ? {} : { max });
}
