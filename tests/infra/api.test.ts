import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/api/contract.js';
import { DEFAULT_THROTTLE } from '../../infra/constructs/api.js';
import { props, resourceId, resources, synthTemplate } from './synth.js';

const { template } = synthTemplate();
const httpApi = resourceId(template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi');
const userPool = resourceId(template, 'AWS::Cognito::UserPool', 'ApiUserPool');
const client = resourceId(template, 'AWS::Cognito::UserPoolClient', 'ApiUserPoolWebClient');
const authorizer = resourceId(template, 'AWS::ApiGatewayV2::Authorizer', 'ApiHttpApiCognito');
const distribution = resourceId(template, 'AWS::CloudFront::Distribution', 'WebDistribution');
const webOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] };

describe('routes', () => {
  const synthesised = Object.values(resources(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties ?? {});
  const byKey = new Map(synthesised.map((r) => [r.RouteKey as string, r]));

  it('has exactly one route per route of the API contract', () => {
    expect([...byKey.keys()].sort()).toEqual(
      Object.values(routes)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });

  it.each(Object.entries(routes))('%s: JWT authorizer unless the contract marks it public', (_name, spec) => {
    const route = byKey.get(`${spec.method} ${spec.path}`);
    if (spec.auth) {
      expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizer } });
    } else {
      expect(route?.AuthorizationType).toBe('NONE');
    }
  });

  it('leaves only GET /health public', () => {
    const open = synthesised.filter((r) => r.AuthorizationType !== 'JWT').map((r) => r.RouteKey);
    expect(open).toEqual(['GET /health']);
  });
});

describe('authorizer', () => {
  it('accepts only JWTs of this user pool issued to the web client', () => {
    const p = props(template, authorizer);
    expect(p.AuthorizerType).toBe('JWT');
    expect(p.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(p.JwtConfiguration).toEqual({
      Audience: [{ Ref: client }],
      Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: userPool }]] },
    });
  });

  it('the user pool is invite-only with MFA required and a strong password policy', () => {
    const p = props(template, userPool);
    expect(p.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(p.MfaConfiguration).toBe('ON');
    expect(p.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(p.Policies).toMatchObject({ PasswordPolicy: { MinimumLength: 12, RequireSymbols: true, RequireNumbers: true } });
  });

  it('creates the admin user from the adminEmail context', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolUser', {
      UserPoolId: { Ref: userPool },
      Username: 'admin@example.org',
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(Object.keys(resources(synthTemplate({ adminEmail: undefined }).template, 'AWS::Cognito::UserPoolUser'))).toEqual([]);
  });

  it('the web client redirects only to the CloudFront origin and has no secret', () => {
    const p = props(template, client);
    expect(p.GenerateSecret).toBe(false);
    expect(p.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] }]);
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect(p.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH']));
    expect(p.ExplicitAuthFlows).not.toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
  });
});

describe('stage', () => {
  const stage = resourceId(template, 'AWS::ApiGatewayV2::Stage', 'ApiDefaultStage');
  const p = props(template, stage);

  it('throttles the whole API', () => {
    expect(p.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
      ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
    });
    expect(p.AutoDeploy).toBe(true);
    expect(p.StageName).toBe('$default');
    expect(p.ApiId).toEqual({ Ref: httpApi });
  });

  it('writes access logs, with the request id, to a log group with retention', () => {
    const settings = p.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    expect(settings.Format).toContain('$context.requestId');
    const logGroup = settings.DestinationArn['Fn::GetAtt'][0];
    expect(props(template, logGroup).RetentionInDays).toBeGreaterThan(0);
  });
});

describe('CORS', () => {
  it('lets only the review UI origin call the API', () => {
    expect(props(template, httpApi).CorsConfiguration).toMatchObject({ AllowOrigins: [webOrigin] });
  });

  it('lets only the review UI origin PUT to the upload bucket', () => {
    const bucket = resourceId(template, 'AWS::S3::Bucket', 'StorageUploadBucket');
    expect(props(template, bucket).CorsConfiguration).toEqual({
      CorsRules: [expect.objectContaining({ AllowedMethods: ['PUT'], AllowedOrigins: [webOrigin] })],
    });
  });
});

describe('page-cursor secret', () => {
  const secret = resourceId(template, 'AWS::SecretsManager::Secret', 'ApiCursorSecret');
  const fn = resourceId(template, 'AWS::Lambda::Function', 'ApiHandler');
  const statements = (roleFilter: (id: string) => boolean) =>
    Object.entries(resources(template, 'AWS::IAM::Policy'))
      .filter(([, p]) => ((p.Properties?.Roles as Array<{ Ref: string }>) ?? []).some((r) => roleFilter(r.Ref)))
      .flatMap(
        ([, p]) => (p.Properties?.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> } | undefined)?.Statement ?? [],
      );
  const apiRole = (props(template, fn).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

  it('is generated by Secrets Manager, encrypted with the data key: no value in the template', () => {
    const p = props(template, secret);
    expect(p.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(p.SecretString).toBeUndefined();
    expect(p.KmsKeyId).toEqual({ 'Fn::GetAtt': [resourceId(template, 'AWS::KMS::Key', 'StorageDataKey'), 'Arn'] });
  });

  it('reaches the api function as an ARN, never as a value', () => {
    const env = (props(template, fn).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.CURSOR_SECRET_ARN).toEqual({ Ref: secret });
    expect(env).not.toHaveProperty('CURSOR_SECRET');
    for (const f of Object.values(resources(template, 'AWS::Lambda::Function'))) {
      expect(JSON.stringify(f.Properties?.Environment ?? {})).not.toMatch(/"CURSOR_SECRET"/);
    }
  });

  it('only the api function may read it, and only its value', () => {
    const reads = statements(() => true).filter((s) => JSON.stringify(s.Action).includes('secretsmanager:'));
    expect(reads).toEqual([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secret } }]);
    expect(statements((id) => id === apiRole)).toContainEqual(reads[0]);
  });
});
