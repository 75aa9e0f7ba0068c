import { App, Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSwitchboardConfig } from '../../lib/config.js';
import { SwitchboardStack } from '../../lib/switchboard-stack.js';

function synthesize(): Template {
  // Bundling is skipped here; `npm run synth` and the bundling test below exercise esbuild.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SwitchboardStack(app, 'Switchboard', { env: { region: 'us-east-1' }, production: false });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth(); // throws on any cdk-nag finding that is not acknowledged
  return Template.fromStack(stack);
}

const template = synthesize();
const cachingDisabledPolicyId = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const originWithSecret = Match.objectLike({
  OriginCustomHeaders: [
    {
      HeaderName: 'x-origin-verify',
      HeaderValue: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^\\{\\{resolve:secretsmanager:')])],
      }),
    },
  ],
  CustomOriginConfig: Match.objectLike({ OriginReadTimeout: 60, OriginProtocolPolicy: 'https-only' }),
});

type Statement = { Action: string | string[]; Resource: unknown };

/** The IAM actions granted to the role of the function whose description starts with `prefix`. */
function actionsOf(prefix: string): string[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(`^${prefix}`) },
  });
  const roleId = (Object.values(functions)[0] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }).Properties.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((policy) =>
    (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement.flatMap(
      (statement) => [statement.Action].flat(),
    ),
  );
}

describe('SwitchboardStack', () => {
  it('runs the router on Node 22, arm64, behind a RESPONSE_STREAM function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ KEYS_TABLE: Match.anyValue(), ORIGIN_VERIFY_SECRET_ARN: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM', AuthType: 'NONE' });
  });

  it('puts CloudFront in front with no caching, every method, HTTPS only and the origin secret header', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: cachingDisabledPolicyId,
          ViewerProtocolPolicy: 'https-only',
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/v1/manage/*',
            AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
            CachePolicyId: cachingDisabledPolicyId,
            ViewerProtocolPolicy: 'https-only',
          }),
        ],
        Origins: [originWithSecret, originWithSecret],
      }),
    });
  });

  it('serves the management API from its own buffered function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'BUFFERED', AuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ POLICIES_TABLE: Match.anyValue(), KEYS_TABLE: Match.anyValue() }) },
    });
  });

  it('never puts the origin secret itself into the template', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).toContain('"GenerateStringKey":"current"');
    expect(json).not.toMatch(/"current":"[A-Za-z0-9]{48}"/);
  });

  it('keeps keys in an encrypted on-demand table with point-in-time recovery, keyed by the key hash', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'key_hash', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('grants the router only reads of keys and policies and its own secrets, no wildcard actions', () => {
    const actions = actionsOf('Switchboard router');
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'secretsmanager:GetSecretValue']));
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('*');
    expect(actions.filter((action) => action.endsWith('*') && !action.startsWith('dynamodb:') && !action.startsWith('logs:'))).toEqual([]);
  });

  it('lets the management API write policies but not keys yet', () => {
    const actions = actionsOf('Switchboard management');
    expect(actions).toContain('dynamodb:PutItem');
    const writes = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement.filter((statement) =>
        [statement.Action].flat().includes('dynamodb:PutItem'),
      ),
    );
    expect(JSON.stringify(writes)).toMatch(/Policies/);
    expect(JSON.stringify(writes)).not.toMatch(/Keys/);
  });

  it('is checked by cdk-nag, which fails synthesis on an unacknowledged finding', () => {
    // The stack above synthesized under the same checks; this shows the checks do bite.
    const app = new App();
    new secretsmanager.Secret(new Stack(app, 'Unchecked'), 'Unrotated');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
  });

  it('bundles the router with the local esbuild, offline and without Docker', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'switchboard-synth-'));
    const app = new App({ outdir });
    const stack = new SwitchboardStack(app, 'Bundled', { env: { region: 'eu-central-1' }, production: true });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const bundle = readFileSync(join(assembly.directory, asset, 'index.js'), 'utf8');
      expect(bundle).toContain('x-origin-verify');
      expect(existsSync(join(assembly.directory, asset, 'index.js.map'))).toBe(true);
    }
    Template.fromStack(stack).hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  }, 60_000);

  it('rejects invalid context with a clear error', () => {
    expect(() => parseSwitchboardConfig({ homeRegion: 'mars' })).toThrow(/switchboard\.homeRegion: must be an AWS region/);
    expect(parseSwitchboardConfig(undefined)).toEqual({ homeRegion: 'us-east-1', production: false });
  });
});
