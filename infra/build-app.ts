// Builds the qualtag CDK app from its context; infra/app.ts runs it, the infra tests call it directly.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as z from 'zod';
import { QualtagStack, type QualtagStackProps } from './qualtag-stack.js';

const Context = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'stage must be 1-20 lowercase letters, digits or dashes, starting with a letter')
    .default('dev'),
  adminEmail: z.email('adminEmail must be an e-mail address').optional(),
});

export interface BuildOptions {
  /** Run cdk-nag's AwsSolutions pack during synthesis (default true; the assertion tests turn it off to read templates). */
  nag?: boolean;
  overrides?: Partial<QualtagStackProps>;
}

/** Builds the app; tests pass their own context (e.g. to skip bundling) and props. */
export function buildApp(context: Record<string, unknown> = {}, options: BuildOptions = {}): { app: App; stack: QualtagStack } {
  const overrides = options.overrides ?? {};
  const app = new App({ context });
  const parsed = Context.safeParse({ stage: app.node.tryGetContext('stage'), adminEmail: app.node.tryGetContext('adminEmail') });
  if (!parsed.success) {
    throw new Error(
      `Bad CDK context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} (pass -c stage=dev -c adminEmail=you@example.org)`,
    );
  }
  const { stage, adminEmail } = parsed.data;
  const stack = new QualtagStack(app, `Qualtag-${stage}`, {
    stage,
    adminEmail,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: `qualtag (${stage}): serverless coding assistant for qualitative research`,
    ...overrides,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
