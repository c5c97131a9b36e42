import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes } from '../../lib/api/contract.js';
import { EXPORT_PREFIX, IMPORT_PREFIX, TEXT_PREFIX, UPLOAD_PREFIX, envNames } from '../../lib/config.js';
import { grantObjects, grantSend, grantTable } from './grants.js';
import { TAGGER_NODE_MODULES, type Pipeline } from './pipeline.js';
import { QualtagFunction } from './qualtag-function.js';
import type { Storage } from './storage.js';

/**
 * Installed next to the API bundle: the .qdpx import validates with xmllint compiled to WebAssembly (its .wasm
 * file is loaded at run time), and the tagger reads the Dutch word list from its package the same way.
 */
export const API_NODE_MODULES = ['xmllint-wasm', ...TAGGER_NODE_MODULES];

export interface ApiProps {
  readonly stage: string;
  readonly storage: Storage;
  readonly pipeline: Pipeline;
  readonly handlersDir: string;
  /** Origin of the review UI (https://xyz.cloudfront.net): CORS and the login redirect. */
  readonly webOrigin: string;
  /** E-mail of the first user; Cognito mails them a temporary password. */
  readonly adminEmail?: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Steady-state requests per second for the whole API, and the burst above it. */
  readonly throttle?: { rateLimit: number; burstLimit: number };
}

export const DEFAULT_THROTTLE = { rateLimit: 50, burstLimit: 100 };

/**
 * Cognito user pool (invite-only, MFA required) + HTTP API with its JWT authorizer on every route of the
 * API contract except the ones the contract marks `auth: false` (only `GET /health`).
 */
export class Api extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly userPoolDomain: cognito.UserPoolDomain;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly apiFunction: QualtagFunction;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { storage, pipeline } = props;
    const account = Stack.of(this).account;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `qualtag-${props.stage}`,
      // Invite-only: an administrator creates accounts (README: first login).
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials tier on purpose: the pool is invite-only (no self sign-up) with TOTP MFA required, so Plus-tier threat ' +
        'protection adds little for a small research team and would be billed per monthly active user.',
    });

    this.userPoolDomain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `qualtag-${props.stage}-${account}` },
    });

    this.userPoolClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // SRP for the UI's hosted login; password auth (TLS to Cognito, then the TOTP challenge) lets the CLI get a
      // token with `aws cognito-idp initiate-auth` (README: pointing the CLI at the deployed API).
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${props.webOrigin}/`],
        logoutUrls: [`${props.webOrigin}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });

    if (props.adminEmail) {
      new cognito.CfnUserPoolUser(this, 'AdminUser', {
        userPoolId: this.userPool.userPoolId,
        username: props.adminEmail,
        userAttributes: [
          { name: 'email', value: props.adminEmail },
          { name: 'email_verified', value: 'true' },
        ],
        desiredDeliveryMediums: ['EMAIL'],
      });
    }

    this.apiFunction = new QualtagFunction(this, 'Handler', {
      name: 'api',
      handlersDir: props.handlersDir,
      description: 'qualtag HTTP API: review queue, decisions, queries, reports, exports and upload URLs',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        [envNames.table]: storage.table.tableName,
        [envNames.bucket]: storage.uploadBucket.bucketName,
        [envNames.tagQueueUrl]: pipeline.tagQueue.queueUrl,
        [envNames.exportQueueUrl]: pipeline.exportQueue.queueUrl,
        [envNames.userPoolId]: this.userPool.userPoolId,
        [envNames.userPoolClientId]: this.userPoolClient.userPoolClientId,
      },
      nodeModules: API_NODE_MODULES,
    });
    const role = this.apiFunction.functionRole;
    grantTable(role, storage.table, storage.indexNames, 'readwrite');
    // Presigned PUT URLs are signed with this role's credentials, so it needs s3:PutObject on uploads/.
    grantObjects(role, storage.uploadBucket, UPLOAD_PREFIX, 'write');
    grantObjects(role, storage.uploadBucket, TEXT_PREFIX, 'read');
    // REFI-QDA imports: the uploaded .qdpx (presigned PUT), the import plan, and the GUIDs and notes kept for exports.
    grantObjects(role, storage.uploadBucket, IMPORT_PREFIX, 'read');
    grantObjects(role, storage.uploadBucket, IMPORT_PREFIX, 'write');
    grantSend(role, pipeline.tagQueue);
    // Export jobs: queued here, their files downloaded through URLs presigned with this role (read only).
    grantSend(role, pipeline.exportQueue);
    grantObjects(role, storage.uploadBucket, EXPORT_PREFIX, 'read');

    const authorizer = new authorizers.HttpUserPoolAuthorizer('Cognito', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `qualtag-${props.stage}`,
      description: 'qualtag review and query API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.webOrigin],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'if-match'],
        exposeHeaders: ['content-disposition', 'etag'],
        maxAge: Duration.hours(1),
      },
    });

    const integration = new integrations.HttpLambdaIntegration('Lambda', this.apiFunction);
    for (const [name, spec] of Object.entries(routes)) {
      const [route] = this.httpApi.addRoutes({
        path: spec.path,
        methods: [apigw.HttpMethod[spec.method]],
        integration,
        authorizer: spec.auth ? authorizer : new apigw.HttpNoneAuthorizer(),
      });
      if (!spec.auth && route) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${spec.method} ${spec.path} (${name}) is public by design: a liveness probe that returns no data.`,
        });
      }
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
      },
    });
  }

  /** The API's base URL (no trailing slash): what `qualtag --api` and the review UI use. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
