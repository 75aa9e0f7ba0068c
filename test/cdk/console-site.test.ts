import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { assetCacheControl, indexCacheControl } from '../../console/bundle.js';
import { consoleContentSecurityPolicy } from '../../console/security-headers.js';
import { synthesize } from './synth.js';

const { home } = synthesize();
if (!home) throw new Error('the home stack is expected by default');
const cachingOptimized = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
type Resource = { Properties: Record<string, unknown> };
const only = (type: string): Resource => {
  const found = Object.values(home.findResources(type)) as Resource[];
  expect(found).toHaveLength(1);
  return found[0] as Resource;
};
const consoleBucketId = Object.keys(home.findResources('AWS::S3::Bucket')).find((id) => id.includes('ConsoleFiles')) ?? '';

describe('the web console deployed', () => {
  it('keeps its files in a private, encrypted bucket that only this distribution may read', () => {
    expect(consoleBucketId).not.toBe('');
    home.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: Match.anyValue(),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console-files/' }),
      WebsiteConfiguration: Match.absent(),
    });
    const policies = Object.values(home.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: consoleBucketId } } })) as Resource[];
    const statements = policies.flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    // CDK's own deployment handler writes with its role (IAM), not through the bucket policy.
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(allows[0]?.Condition)).toContain('distribution/');
    expect(statements.some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition).includes('aws:SecureTransport'))).toBe(true);
    home.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
  });

  it('serves hashed assets cached and the index never cached, both read-only and with the CSP', () => {
    const config = only('AWS::CloudFront::Distribution').Properties.DistributionConfig as { CacheBehaviors: Record<string, unknown>[]; Origins: Record<string, unknown>[] };
    const behavior = (pattern: string) => config.CacheBehaviors.find((candidate) => candidate.PathPattern === pattern);
    const assets = behavior('/console/assets/*');
    const index = behavior('/console*');
    for (const files of [assets, index]) {
      expect(files).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: expect.anything() });
    }
    expect(assets?.CachePolicyId).toBe(cachingOptimized);
    expect(index?.CachePolicyId).toBe(cachingDisabled);
    expect(index?.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
    // The more specific pattern must come first: CloudFront takes the first that matches.
    expect(config.CacheBehaviors.map((candidate) => candidate.PathPattern)).toEqual(['/console/assets/*', '/console*', '/v1/manage/*']);
    const s3Origin = config.Origins.find((origin) => 'S3OriginConfig' in origin);
    expect(s3Origin).toMatchObject({ OriginAccessControlId: expect.anything(), S3OriginConfig: { OriginAccessIdentity: '' } });
    expect(JSON.stringify(s3Origin?.DomainName)).toContain(consoleBucketId);
  });

  it('sends a strict Content-Security-Policy from CloudFront, with no inline script or eval', () => {
    const policy = only('AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const headers = policy.SecurityHeadersConfig;
    expect(headers.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: consoleContentSecurityPolicy, Override: true });
    expect(consoleContentSecurityPolicy).toMatch(/default-src 'none'.*script-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/);
    expect(consoleContentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(headers).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: expect.anything(),
    });
  });

  it('uploads assets as immutable and the index as no-cache, after the assets, keeping older assets', () => {
    const deployments = Object.entries(home.findResources('Custom::CDKBucketDeployment')) as [string, Resource & { DependsOn?: string[] }][];
    expect(deployments).toHaveLength(2);
    const assets = deployments.find(([, resource]) => JSON.stringify(resource.Properties.Exclude) === '["index.html"]');
    const index = deployments.find(([, resource]) => JSON.stringify(resource.Properties.Include) === '["index.html"]');
    expect(assets?.[1].Properties).toMatchObject({ DestinationBucketKeyPrefix: 'console/', Prune: false, SystemMetadata: { 'cache-control': assetCacheControl } });
    expect(index?.[1].Properties).toMatchObject({ DestinationBucketKeyPrefix: 'console/', Exclude: ['*'], SystemMetadata: { 'cache-control': indexCacheControl } });
    expect(assetCacheControl).toContain('immutable');
    expect(indexCacheControl).toBe('no-cache');
    expect(JSON.stringify(index?.[1].DependsOn ?? [])).toContain(assets?.[0] ?? 'missing');
  });

  it('rewrites /console/ to its index and redirects /console there', () => {
    const code = String(only('AWS::CloudFront::Function').Properties.FunctionCode);
    expect(code).toContain("request.uri === '/console/'");
    expect(code).toContain("'/console/index.html'");
    expect(code).toContain('statusCode: 301');
  });
});
