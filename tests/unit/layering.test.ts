import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import layering of ARCHITECTURE.md, checked on every source file. A rule names what a layer may
// import; a type-only import counts as a dependency too unless the rule allows it (ports are types).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The base: the shared model, errors, settings, paging and the upload-format registry (lib/formats.ts).
const BASE = ['model', 'errors', 'config', 'paging', 'formats'];
const DOMAIN = ['coding', 'codebook', 'segment', 'extract', 'tag', 'review', 'report', 'export', 'import'];

interface Rule {
  /** Layers (lib folders or lib/*.ts files, by name), 'aws' for the AWS SDK. */
  values: string[];
  /** Extra layers that may be imported for their types only. */
  types?: string[];
}

const RULES: Record<string, Rule> = {
  base: { values: BASE },
  // The domain: plain TypeScript, no adapter, no orchestration, no transport.
  domain: { values: [...BASE, ...DOMAIN] },
  // The application layer orchestrates the domain through ports; it never reaches an adapter or the edge.
  pipeline: { values: [...BASE, ...DOMAIN, 'pipeline'] },
  // Adapters implement the ports: they may read the model and the ports' types, and decide nothing.
  store: { values: [...BASE, 'coding', 'store', 'aws'], types: DOMAIN },
  'store-root': { values: [...BASE, ...DOMAIN, 'store', 'aws'] },
  // The edge: API, CLI and the one-machine stack wire everything together.
  api: { values: [...BASE, ...DOMAIN, 'pipeline', 'store', 'api'] },
  local: { values: [...BASE, ...DOMAIN, 'pipeline', 'store', 'api', 'local', 'aws'] },
  cli: { values: [...BASE, ...DOMAIN, 'pipeline', 'store', 'api', 'local', 'cli'] },
};

// The adapters' composition root builds them for functions/, lib/local and the tests, and hands the store
// the domain's rules it keeps (the report aggregates): it may import the domain, the rest of lib/store not.
const COMPOSITION_ROOTS: Record<string, string> = { 'lib/store/index.ts': 'store-root' };

function layerOf(file: string): string | undefined {
  const rel = path.relative(path.join(root, 'lib'), file);
  if (rel.startsWith('..')) return undefined;
  const first = rel.split(path.sep)[0]!.replace(/\.[jt]s$/, '');
  return first;
}

/** The layer whose rule a file follows: its folder's, or a composition root's own. */
function ruleLayerOf(file: string): string {
  return COMPOSITION_ROOTS[path.relative(root, file).split(path.sep).join('/')] ?? layerOf(file)!;
}

function ruleFor(layer: string): Rule {
  if (BASE.includes(layer)) return RULES.base!;
  if (DOMAIN.includes(layer)) return RULES.domain!;
  const rule = RULES[layer];
  if (!rule) throw new Error(`lib/${layer} has no layering rule: add it to tests/unit/layering.test.ts and ARCHITECTURE.md`);
  return rule;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** Static imports and re-exports, and dynamic `import('…')`; a named import of only types is type-only. */
function importsOf(file: string): Import[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) out.push({ spec: arg.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

/** The layer an import lands in: a lib folder or file, 'aws' for the AWS SDK, undefined for the rest. */
function targetOf(file: string, spec: string): string | undefined {
  if (spec.startsWith('@aws-sdk/') || spec.startsWith('@smithy/')) return 'aws';
  if (!spec.startsWith('.')) return undefined;
  return layerOf(path.resolve(path.dirname(file), spec)) ?? 'outside lib';
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(path.join(root, 'lib'))) {
    const layer = layerOf(file)!;
    const rule = ruleFor(ruleLayerOf(file));
    for (const imp of importsOf(file)) {
      const target = targetOf(file, imp.spec);
      if (!target || target === layer) continue;
      if (rule.values.includes(target)) continue;
      if (imp.typeOnly && rule.types?.includes(target)) continue;
      found.push(`${path.relative(root, file)} imports ${imp.typeOnly ? 'types from ' : ''}${imp.spec} (${layer} → ${target})`);
    }
  }
  return found;
}

describe('import layering (ARCHITECTURE.md)', () => {
  it('every lib module imports only what its layer may', () => {
    expect(violations()).toEqual([]);
  });

  it('handlers in functions/ stay thin: they import lib and libraries, never each other', () => {
    const bad = sourceFiles(path.join(root, 'functions')).flatMap((file) =>
      importsOf(file)
        .filter((i) => i.spec.startsWith('.') && !path.resolve(path.dirname(file), i.spec).startsWith(path.join(root, 'lib')))
        .map((i) => `${path.relative(root, file)} imports ${i.spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('the web UI reaches lib only through the API contract and pure view helpers', () => {
    // Besides the contract's types: modules without zod or node imports only (the bundle stays small): the
    // typed client derived from the route table (client-core.ts, over the zod-free endpoints.ts), the evidence
    // view helpers, the upload-format registry and the coding rules (RETAG_REOPEN_MIN_CONFIDENCE).
    const allowed = [/^lib\/api\/contract/, /^lib\/api\/client-core\./, /^lib\/review\/evidence/, /^lib\/formats\./, /^lib\/coding\/rules\./];
    const bad = sourceFiles(path.join(root, 'web/src')).flatMap((file) =>
      importsOf(file)
        .map((i) => (i.spec.startsWith('.') ? path.relative(root, path.resolve(path.dirname(file), i.spec)) : ''))
        .filter((rel) => rel.startsWith('lib/') && !allowed.some((a) => a.test(rel)))
        .map((rel) => `${path.relative(root, file)} imports ${rel}`),
    );
    expect(bad).toEqual([]);
  });

  it('the checker sees what it must: a domain module importing the store is reported', () => {
    const file = path.join(root, 'lib/review/decision.ts');
    expect(targetOf(file, '../store/dynamo-store.js')).toBe('store');
    expect(ruleFor('review').values).not.toContain('store');
    // Only the composition root of lib/store may import the domain; the adapter may not.
    expect(ruleFor(ruleLayerOf(path.join(root, 'lib/store/dynamo-store.ts'))).values).not.toContain('report');
    expect(ruleFor(ruleLayerOf(path.join(root, 'lib/store/index.ts'))).values).toContain('report');
    expect(importsOf(path.join(root, 'tests/unit/layering.test.ts')).some((i) => i.spec === 'typescript')).toBe(true);
  });
  it('ARCHITECTURE.md names only files and folders that exist', () => {
    const doc = readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');
    const named = [...doc.matchAll(/`((?:lib|web|tests|functions|infra|bench)\/[\w./-]*)`/g)].map((m) => m[1]!.replace(/\/$/, ''));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((p) => !existsSync(path.join(root, p)))).toEqual([]);
  });
});
