import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** What the review UI fetches from `/config.json` at start-up on AWS. */
export interface WebRuntimeConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Cognito hosted login, e.g. https://qualtag-dev-123456789012.auth.eu-west-1.amazoncognito.com */
  authDomain: string;
}

export interface WebProps {
  readonly logBucket: s3.IBucket;
  /** Vite's output (web/dist). When it does not exist, a placeholder page is deployed instead. */
  readonly distDir: string;
  readonly removalPolicy: RemovalPolicy;
}

export const PLACEHOLDER_HTML =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>qualtag</title>' +
  '<p>The review UI was not built when this stack was synthesised. Run <code>npm run build:web</code>, then <code>npx cdk deploy</code> again.</p></html>';

/**
 * The review UI: a private bucket (no website hosting, no public access) read by CloudFront through
 * origin access control, with security headers on every response. `publish` uploads the build plus
 * a runtime config.json once the API and Cognito ids are known.
 */
export class Web extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly usesPlaceholder: boolean;
  private readonly props: WebProps;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.props = props;
    this.usesPlaceholder = !existsSync(path.join(props.distDir, 'index.html'));

    // Public static assets, nothing confidential: SSE-S3 keeps OAC reads free of KMS key-policy plumbing.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 's3/web/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'qualtag review UI: strict security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            // The UI calls the HTTP API, Cognito and (presigned PUT) the upload bucket, all on amazonaws.com/amazoncognito.com.
            `connect-src 'self' https://*.execute-api.${Stack.of(this).region}.amazonaws.com https://*.amazonaws.com https://*.amazoncognito.com`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self' https://*.amazoncognito.com",
            "object-src 'none'",
          ].join('; '),
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true }],
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'qualtag review UI',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: this.headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geo restriction: researchers use the UI while travelling and every request is authenticated by Cognito.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF: the distribution serves static files only and the API requires a Cognito JWT and is throttled; a CloudFront ' +
          'web ACL (us-east-1 only, billed monthly) can be attached later without changing this stack.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin a minimum TLS version (CloudFront fixes it at TLSv1); requiring ' +
          'TLSv1.2_2021 needs a custom domain with an ACM certificate, which this stack does not configure yet.',
      },
    );
  }

  /** Origin of the UI: CORS for the API and the upload bucket, and Cognito's redirect target. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Uploads the UI build (or the placeholder) and config.json, then invalidates the cache. */
  publish(config: WebRuntimeConfig): s3deploy.BucketDeployment {
    const site = this.usesPlaceholder
      ? s3deploy.Source.data('index.html', PLACEHOLDER_HTML)
      : s3deploy.Source.asset(this.props.distDir, { exclude: ['config.json'] });
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [site, s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });
    this.acknowledgeDeploymentHandler(deployment);
    return deployment;
  }

  /** How cdk-nag prints the stack's account or region: the literal when known at synth time, else the pseudo parameter. */
  private envPart(part: 'account' | 'region'): string {
    const value = Stack.of(this)[part];
    if (!Token.isUnresolved(value)) return value;
    return part === 'account' ? '<AWS::AccountId>' : '<AWS::Region>';
  }

  /** BucketDeployment runs a CDK-owned Lambda (Python, AWS CLI layer) at deploy time only. */
  private acknowledgeDeploymentHandler(deployment: s3deploy.BucketDeployment): void {
    const reason =
      'CDK-owned BucketDeployment handler: aws-cdk-lib creates its role and grants (asset bucket read, site bucket write, ' +
      'CloudFront invalidation) and picks its runtime; it runs only during deployment.';
    const siteBucketId = Stack.of(this).resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    const findings = [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      // The CDK bootstrap asset bucket the UI files are copied from.
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${this.envPart('account')}-${this.envPart('region')}/*`,
      `Resource::<${siteBucketId}.Arn>/*`,
      // cloudfront:CreateInvalidation/GetInvalidation as granted by aws-cdk-lib.
      'Resource::*',
    ];
    Validations.of(deployment.handlerRole).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason },
      ...findings.map((f) => ({ id: `AwsSolutions-IAM5[${f}]`, reason })),
    );
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) Validations.of(child).acknowledge({ id: 'AwsSolutions-L1', reason });
    }
  }
}
