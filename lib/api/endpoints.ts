// Method and path of every route, by name: the zod-free part of the route table in contract.ts, which
// adds each route's purpose, auth and schemas to these (the compiler keeps the two lists equal). The
// typed client (client-core.ts) builds requests from it, so the web bundle needs no zod.

export interface Endpoint {
  method: 'GET' | 'POST';
  /** Path parameters are `{name}`. */
  path: string;
  /** A file download (Content-Disposition attachment), not JSON. */
  download?: true;
}

export const endpoints = {
  health: { method: 'GET', path: '/health' },
  me: { method: 'GET', path: '/me' },
  listProjects: { method: 'GET', path: '/projects' },
  createProject: { method: 'POST', path: '/projects' },
  getProject: { method: 'GET', path: '/projects/{projectId}' },
  addMember: { method: 'POST', path: '/projects/{projectId}/members' },
  uploadUrl: { method: 'POST', path: '/projects/{projectId}/uploads' },
  listDocuments: { method: 'GET', path: '/projects/{projectId}/documents' },
  getDocument: { method: 'GET', path: '/projects/{projectId}/documents/{documentId}' },
  documentStatus: { method: 'GET', path: '/projects/{projectId}/documents/{documentId}/status' },
  deleteDocument: { method: 'POST', path: '/projects/{projectId}/documents/{documentId}/delete' },
  reviewQueue: { method: 'GET', path: '/projects/{projectId}/review-queue' },
  decide: { method: 'POST', path: '/projects/{projectId}/decisions' },
  bulkAccept: { method: 'POST', path: '/projects/{projectId}/bulk-accept' },
  undoBulkAccept: { method: 'POST', path: '/projects/{projectId}/bulk-accept/{batchId}/undo' },
  audit: { method: 'GET', path: '/projects/{projectId}/audit' },
  codings: { method: 'GET', path: '/projects/{projectId}/codings' },
  getCodebook: { method: 'GET', path: '/projects/{projectId}/codebook' },
  codebookVersions: { method: 'GET', path: '/projects/{projectId}/codebook/versions' },
  uploadCodebook: { method: 'POST', path: '/projects/{projectId}/codebook' },
  retag: { method: 'POST', path: '/projects/{projectId}/retag' },
  ruleSuggestions: { method: 'GET', path: '/projects/{projectId}/rule-suggestions' },
  applyRuleTerms: { method: 'POST', path: '/projects/{projectId}/rule-suggestions/apply' },
  reports: { method: 'GET', path: '/projects/{projectId}/reports' },
  report: { method: 'GET', path: '/projects/{projectId}/reports/{kind}' },
  reportTables: { method: 'GET', path: '/projects/{projectId}/report-tables' },
  createImport: { method: 'POST', path: '/projects/{projectId}/imports' },
  startImport: { method: 'POST', path: '/projects/{projectId}/imports/{importId}' },
  applyImport: { method: 'POST', path: '/projects/{projectId}/imports/{importId}/documents/{documentId}' },
  documentNotes: { method: 'GET', path: '/projects/{projectId}/documents/{documentId}/notes' },
  startExportJob: { method: 'POST', path: '/projects/{projectId}/export-jobs' },
  exportJob: { method: 'GET', path: '/projects/{projectId}/export-jobs/{jobId}' },
  deadLetters: { method: 'GET', path: '/projects/{projectId}/dead-letters' },
  retryDeadLetters: { method: 'POST', path: '/projects/{projectId}/dead-letters/retry' },
  exportFile: { method: 'GET', path: '/projects/{projectId}/exports/{format}', download: true },
} as const satisfies Record<string, Endpoint>;

export type RouteName = keyof typeof endpoints;

/** Builds a path from a route template, encoding each parameter. */
export function pathFor(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
}
