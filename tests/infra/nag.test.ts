import { type Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { cdkJsonContext, fixtureHandlers } from './synth.js';

const context = { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], stage: 'test', adminEmail: 'admin@example.org' };
const build = () => buildApp(context, { overrides: { handlersDir: fixtureHandlers } });

function allNodes(root: IConstruct): IConstruct[] {
  return [root, ...root.node.children.flatMap(allNodes)];
}

describe('cdk-nag AwsSolutions', () => {
  it('passes: every finding is fixed or acknowledged', () => {
    const { app } = build();
    expect(() => app.synth()).not.toThrow();
  });

  it('runs on every synth: an unacknowledged finding fails synthesis', () => {
    const { app, stack } = build();
    new s3.Bucket(stack as Stack, 'CarelessBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1[^0-9][\s\S]*CarelessBucket|CarelessBucket[\s\S]*AwsSolutions-S1[^0-9]/);
  });

  it('every acknowledgement carries a reason next to the resource it covers', () => {
    const { stack } = build();
    const acks = allNodes(stack).flatMap((node) =>
      node.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: node.node.path, id, reason }))),
    );
    expect(acks.length).toBeGreaterThan(5);
    for (const ack of acks) {
      expect(ack.path, `${ack.id} must not be acknowledged for the whole stack`).not.toBe(stack.node.path);
      expect(ack.reason.length, `${ack.id} on ${ack.path} needs a reason`).toBeGreaterThan(40);
    }
  });
});

describe('context', () => {
  it('rejects a bad stage or e-mail with a message that says what to pass', () => {
    expect(() => buildApp({ ...context, stage: 'Prod!' })).toThrow(/stage must be .*-c stage=dev/);
    expect(() => buildApp({ ...context, adminEmail: 'not-an-address' })).toThrow(/adminEmail must be an e-mail address/);
  });

  it('names the stack after the stage', () => {
    expect(buildApp({ ...context, stage: 'prod' }, { nag: false, overrides: { handlersDir: fixtureHandlers } }).stack.stackName).toBe('Qualtag-prod');
  });
});
