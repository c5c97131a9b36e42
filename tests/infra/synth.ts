// Synthesises the qualtag stack the way `cdk synth` does (cdk.json feature flags), with bundling skipped.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildOptions, buildApp } from '../../infra/build-app.js';
import type { QualtagStack } from '../../infra/qualtag-stack.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtureHandlers = path.join(repoRoot, 'tests/infra/fixtures/handlers');

/** The context `cdk synth` reads from cdk.json (feature flags). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface Synthesised {
  stack: QualtagStack;
  template: Template;
}

/** Assertion-test synthesis: no bundling, no cdk-nag (nag.test.ts runs it), stand-in handler files. */
export function synthTemplate(context: Record<string, unknown> = {}, options: BuildOptions = {}): Synthesised {
  const { stack } = buildApp(
    { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], stage: 'test', adminEmail: 'admin@example.org', ...context },
    { nag: false, ...options, overrides: { handlersDir: fixtureHandlers, ...options.overrides } },
  );
  return { stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The one resource of `type` whose logical id starts with `prefix` (the construct path without hash). */
export function resourceId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

export function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

export function props(template: Template, id: string): Record<string, unknown> {
  const res = (template.toJSON() as { Resources: Resources }).Resources[id];
  if (!res) throw new Error(`no resource ${id}`);
  return res.Properties ?? {};
}
