import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

// The one construct that sets the defaults every qualtag Lambda shares: Node.js 22 ESM bundled by the
// local esbuild (no Docker), X-Ray tracing, its own log group with retention, and a role that starts
// empty (no AWS managed policy) so each construct grants only what its function uses.

/** ESM bundles still meet CommonJS dependencies that call `require`; this gives them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/** The Node.js 22 Lambda runtime ships the AWS SDK v3; bundling it again would only add size and init time. */
export const FUNCTION_EXTERNALS = ['@aws-sdk/*'];

export interface QualtagFunctionProps {
  /** Handler file name in `handlersDir`, without extension: `ingest`, `tag`, `api`. */
  readonly name: string;
  /** Folder holding the handler sources. */
  readonly handlersDir: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly environment?: Record<string, string>;
  /** Packages installed next to the bundle instead of bundled (native or file-reading code). */
  readonly nodeModules?: string[];
  /** Also bundle the extraction worker (lib/extract/extract-worker.ts) as extract-worker.mjs beside the handler. */
  readonly extractWorker?: boolean;
}

const BUILD_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/build.mjs');

export class QualtagFunction extends nodejs.NodejsFunction {
  readonly functionRole: iam.Role;

  constructor(scope: Construct, id: string, props: QualtagFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // An explicit role without AWSLambdaBasicExecutionRole: logging is granted to this log group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `qualtag ${props.name} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(props.handlersDir, `${props.name}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      // x86_64, the architecture the bundles are tested on (no native binary is installed any more).
      architecture: lambda.Architecture.X86_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `qualtag-${props.name}`,
        // natural runs dotenv at import; keep it from printing into the logs.
        DOTENV_CONFIG_QUIET: 'true',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: FUNCTION_EXTERNALS,
        banner: ESM_REQUIRE_BANNER,
        nodeModules: props.nodeModules,
        forceDockerBundling: false,
        // The extraction pool starts its workers from ./extract-worker.mjs next to the handler's bundle.
        ...(props.extractWorker
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) => [`node "${BUILD_SCRIPT}" worker "${path.join(outputDir, 'extract-worker.mjs')}"`],
              },
            }
          : {}),
      },
    });
    this.functionRole = role;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the handlers, Powertools 2.x and pdf.js 5.4 (pdfjs-dist, engines >=20.19) are built ' +
        'and tested for Node 22; nodejs24.x changes handler semantics (no callback handlers) and is adopted deliberately, not by default.',
    });
    // Tracing.ACTIVE adds the X-Ray statement to this role's default policy. The infra tests check that it is
    // the only statement with Resource "*", so this acknowledgement cannot hide another wildcard.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so AWS requires Resource "*".',
    });
  }
}
