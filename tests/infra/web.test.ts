import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { props, repoRoot, resourceId, synthTemplate } from './synth.js';

const { template, stack } = synthTemplate();
const distribution = resourceId(template, 'AWS::CloudFront::Distribution', 'WebDistribution');
const webBucket = resourceId(template, 'AWS::S3::Bucket', 'WebBucket');
const oac = resourceId(template, 'AWS::CloudFront::OriginAccessControl', 'WebDistributionOrigin');
const headers = resourceId(template, 'AWS::CloudFront::ResponseHeadersPolicy', 'WebSecurityHeaders');
// biome-ignore lint/suspicious/noExplicitAny: the synthesized template is untyped JSON, walked by the assertions
const config = (props(template, distribution).DistributionConfig ?? {}) as Record<string, any>;

describe('review UI distribution', () => {
  it('reads the private bucket through origin access control only', () => {
    expect(props(template, oac).OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(config.Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [webBucket, 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
    expect(props(template, webBucket).WebsiteConfiguration).toBeUndefined();
    expect(props(template, webBucket).PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true, RestrictPublicBuckets: true });
  });

  it('lets only this distribution read the bucket', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: webBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('redirects to HTTPS and sends the security headers policy with every response', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: { Ref: headers } });
    expect(config.Logging).toMatchObject({ Prefix: 'cloudfront/' });
  });

  it('sets HSTS, CSP, nosniff, DENY framing and no referrer', () => {
    // biome-ignore lint/suspicious/noExplicitAny: untyped template JSON
    const sec = (props(template, headers).ResponseHeadersPolicyConfig as Record<string, any>).SecurityHeadersConfig;
    expect(sec.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true, Override: true });
    expect(sec.ContentTypeOptions).toEqual({ Override: true });
    expect(sec.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(sec.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('deployment of the UI', () => {
  const deployment = resourceId(template, 'Custom::CDKBucketDeployment', 'WebDeploy');
  const p = props(template, deployment);

  it('writes config.json with the API URL and the Cognito ids, then invalidates the cache', () => {
    const markers = JSON.stringify(p.SourceMarkers);
    const apiId = resourceId(template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi');
    const pool = resourceId(template, 'AWS::Cognito::UserPool', 'ApiUserPool');
    const client = resourceId(template, 'AWS::Cognito::UserPoolClient', 'ApiUserPoolWebClient');
    for (const ref of [apiId, pool, client]) expect(markers).toContain(ref);
    expect(p.DistributionId).toEqual({ Ref: distribution });
    expect(p.DistributionPaths).toEqual(['/*']);
    expect(p.DestinationBucketName).toEqual({ Ref: webBucket });
  });

  it('deploys two sources: the UI (or its placeholder) and config.json', () => {
    expect(p.SourceObjectKeys as unknown[]).toHaveLength(2);
  });
});

describe('source of the UI files', () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'qualtag-web-dist-'));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('falls back to a placeholder page when the build is missing, and uses the build once it exists', () => {
    const before = synthTemplate({}, { overrides: { webDistDir: dist } });
    expect(before.stack.web.usesPlaceholder).toBe(true);
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>qualtag</title>');
    const after = synthTemplate({}, { overrides: { webDistDir: dist } });
    expect(after.stack.web.usesPlaceholder).toBe(false);
  });

  it('uses web/dist by default', () => {
    expect(stack.web.usesPlaceholder).toBe(!existsSync(path.join(repoRoot, 'web/dist/index.html')));
  });
});
