// What every view gets: the current project, its codebook (indexed for lookups) and a few helpers.
import type { CodebookView, ProjectView } from './api.js';
import type { Route } from './route.js';

export interface CodeInfo {
  id: string;
  name: string;
  categoryId: string;
  categoryName: string;
  definition?: string;
}

export interface CodebookIndex {
  book: CodebookView;
  codes: Map<string, CodeInfo>;
  categories: Map<string, string>;
}

export function indexCodebook(book: CodebookView): CodebookIndex {
  const codes = new Map<string, CodeInfo>();
  const categories = new Map<string, string>();
  for (const cat of book.categories) {
    categories.set(cat.id, cat.name);
    for (const c of cat.codes) codes.set(c.id, { id: c.id, name: c.name, categoryId: cat.id, categoryName: cat.name, definition: c.definition });
  }
  return { book, codes, categories };
}

export interface Ctx {
  /** '' while the user has no project (only the Projects view works then). */
  projectId: string;
  /** The projects the user is a member of. */
  projects: ProjectView[];
  /** True on AWS (Cognito users; members can be added), false on the local stack (one user). */
  onAws: boolean;
  /** Reads the project list again (after creating one) and fills the project menu. */
  reloadProjects(): Promise<void>;
  /** Makes `projectId` the current project (menu, codebook) and opens `hash`. */
  switchProject(projectId: string, hash?: string): Promise<void>;
  /** Null while the project has no codebook. */
  codebook: CodebookIndex | null;
  /** Reloads the codebook (after an upload). */
  reloadCodebook(): Promise<void>;
  navigate(hash: string): void;
}

export interface View {
  el: HTMLElement;
  /** Handles a key press; returns true when it used it. */
  onKey?(e: KeyboardEvent): boolean;
  destroy?(): void;
}

export type ViewFactory = (ctx: Ctx, route: Route) => View;

export function codeLabel(ctx: Ctx, codeId: string): string {
  return ctx.codebook?.codes.get(codeId)?.name ?? codeId;
}
