// The typed API client (lib/api/client-core.ts, derived from the contract's route table) over the web
// UI's HTTP (http.ts: the bearer token, ApiError). Types come from the contract by type-only imports:
// zod is not bundled; the server validates every request against the same schemas.
import { allOf, createRouteClient, type PagedRoute, type RouteArgs, type RouteResult } from '../../lib/api/client-core.js';
import type { CodingView } from '../../lib/api/contract.js';
import { type ApiError, send, setApiBase } from './http.js';

export type {
  ApplyRuleTermsResult,
  AuditEventView,
  CodebookUploadResult,
  CodebookView,
  CodedSegment,
  CodingView,
  CreateProjectBody,
  DeadLetters,
  DeadLetterView,
  DocumentDeletionResult,
  DocumentDetail,
  DocumentSummary,
  FrequencyReport,
  ProjectView,
  QueueItem,
  ReportBundle,
  RuleSuggestions,
} from '../../lib/api/contract.js';

export type ReportTablesResult = RouteResult<'reportTables'>;

/** One method per route: `api.getDocument({ projectId, documentId })`, `api.codings({ projectId, query })`. */
export const api = createRouteClient(send);

/** Every item of a paged route, page after page. */
export function every<N extends PagedRoute>(name: N, args: RouteArgs<N>, max?: number): ReturnType<typeof allOf<N>> {
  return allOf(api, name, args, max);
}

/** Finds where the API is mounted: `/api` (the local server) or the page origin (a gateway). */
export async function detectApiBase(): Promise<void> {
  for (const base of ['/api', '']) {
    try {
      const res = await fetch(`${base}/health`, { headers: { accept: 'application/json' } });
      const type = res.headers.get('content-type') ?? '';
      if (res.ok && type.includes('json')) {
        setApiBase(base);
        return;
      }
    } catch {
      /* try the next one */
    }
  }
}

/** The body of a 409: the coding as it is now (null when it no longer exists). */
export function conflictCurrent(e: ApiError): CodingView | null | undefined {
  const b = e.body;
  if (typeof b === 'object' && b !== null && 'current' in b) return (b as { current: CodingView | null }).current;
  return undefined;
}
