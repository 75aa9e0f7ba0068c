import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsIn, statementsOf, synthesize } from './synth.js';

const { home, eu } = synthesize();
if (!home || !eu) throw new Error('both stacks are expected by default');
const cachingDisabledPolicyId = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allMethods = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'];
const originWithSecret = Match.objectLike({
  OriginCustomHeaders: [
    {
      HeaderName: 'x-origin-verify',
      HeaderValue: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^\\{\\{resolve:secretsmanager:')])] }),
    },
  ],
  CustomOriginConfig: Match.objectLike({ OriginReadTimeout: 60, OriginProtocolPolicy: 'https-only' }),
});

describe.each([
  ['home', home],
  ['EU', eu],
])('the %s stack', (_, template) => {
  it('runs the router on Node 22 arm64 behind a RESPONSE_STREAM function URL, and management behind a BUFFERED one', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      LoggingConfig: { LogFormat: 'JSON', LogGroup: Match.anyValue() },
      TracingConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM', AuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'BUFFERED', AuthType: 'NONE' });
  });

  it('puts CloudFront in front: HTTPS only, no caching, every method, management under /v1/manage/*', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          AllowedMethods: allMethods,
          CachePolicyId: cachingDisabledPolicyId,
          ViewerProtocolPolicy: 'https-only',
        }),
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/v1/manage/*',
            AllowedMethods: allMethods,
            CachePolicyId: cachingDisabledPolicyId,
            ViewerProtocolPolicy: 'https-only',
          }),
        ]),
        // The router, the management API, and the console's bucket (test/cdk/console-site.test.ts).
        Origins: Match.arrayWith([originWithSecret, originWithSecret]),
      }),
    });
  });

  it('never puts the origin secret itself into the template', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).toContain('"GenerateStringKey":"current"');
    expect(json).not.toMatch(/"current":"[A-Za-z0-9]{48}"/);
  });

  it('grants the router single-item reads of keys, policies and the directory, usage writes, its own secrets, and no wildcard actions', () => {
    const statements = statementsOf(template, 'Switchboard router');
    const actions = actionsIn(statements);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue']));
    // Every DynamoDB call the usage store makes from the router, and nothing more.
    const writes = statements.filter((statement) => [statement.Action].flat().includes('dynamodb:UpdateItem'));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Action).toEqual(['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']);
    expect(JSON.stringify(writes[0]?.Resource)).toMatch(/usage/i);
    // Its one new item per request without a limit, under the request's marker, for the usage fold.
    const puts = statements.filter((statement) => [statement.Action].flat().includes('dynamodb:PutItem'));
    expect(puts.map((statement) => statement.Condition)).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['req#*'] } }]);
    const reads = statements.filter((statement) => statement.Action === 'dynamodb:GetItem');
    expect(JSON.stringify(reads)).toMatch(/directory/i);
    expect(actions.filter((action) => action.includes('*') && !/^(dynamodb|logs|secretsmanager):/.test(action))).toEqual([]);
    expect(actions).not.toContain('*');
  });

  it('keeps every provider’s credentials in one secret, created empty, that only the router may read, with its ARN as an output', () => {
    const secrets = Object.entries(template.findResources('AWS::SecretsManager::Secret')) as [string, { Properties: { Description?: string; SecretString?: string } }][];
    const providerSecrets = secrets.filter(([, secret]) => /provider/i.test(secret.Properties.Description ?? ''));
    expect(providerSecrets).toHaveLength(1);
    const [[providerSecretId, providerSecret]] = providerSecrets as [[string, { Properties: { SecretString?: string } }]];
    expect(providerSecret.Properties.SecretString).toBe('{}');
    const originSecretId = secrets.find(([, secret]) => /CloudFront/.test(secret.Properties.Description ?? ''))?.[0];

    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ PROVIDER_SECRET_ARN: { Ref: providerSecretId } }) },
    });
    // The router reads the origin secret and the provider secret, and no other.
    const secretReads = statementsOf(template, 'Switchboard router').filter((statement) =>
      [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads.map((statement) => statement.Resource)).toEqual(
      expect.arrayContaining([{ Ref: providerSecretId }, { Ref: originSecretId }]),
    );
    expect(secretReads).toHaveLength(2);
    // No other role's policy names it.
    const policiesNamingIt = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy).includes(`"${providerSecretId}"`),
    );
    expect(policiesNamingIt).toHaveLength(1);
    expect(JSON.stringify(policiesNamingIt[0])).toContain('GatewayRouterRole');

    const outputs = Object.entries(template.findOutputs('*', { Value: { Ref: providerSecretId } }));
    expect(outputs.map(([id]) => id)).toEqual([expect.stringContaining('ProviderSecretArn')]);
  });

  it('lets the management API write keys, policies and the directory, and not usage', () => {
    const writes = statementsOf(template, 'Switchboard management').filter((statement) =>
      [statement.Action].flat().includes('dynamodb:PutItem'),
    );
    const resources = JSON.stringify(writes.map((statement) => statement.Resource));
    expect(writes).toHaveLength(3);
    expect(JSON.stringify(statementsOf(template, 'Switchboard management'))).toContain('/index/by_id');
    expect(resources).toMatch(/keys/i);
    expect(resources).toMatch(/policies/i);
    expect(resources).toMatch(/directory/i);
    expect(resources).not.toMatch(/usage/i);
  });
});

describe('EU residency of the router', () => {
  it('makes the EU router serve only EU models, and the home router all', () => {
    eu.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ SWITCHBOARD_EU_ONLY: 'true' }) },
    });
    home.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ SWITCHBOARD_EU_ONLY: 'false' }) },
    });
    const allowed = synthesize({ eu: { allowNonEuModels: true } }).eu;
    allowed?.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ SWITCHBOARD_EU_ONLY: 'false' }) },
    });
  });
});

describe('Bedrock access', () => {
  const bedrockResources = (template: Template) =>
    JSON.stringify(
      statementsOf(template, 'Switchboard router').filter((statement) =>
        [statement.Action].flat().includes('bedrock:InvokeModel'),
      ),
    );

  it('is limited to the catalog’s Bedrock models, with streaming, and to EU regions for the EU router', () => {
    const homeGrant = bedrockResources(home);
    expect(homeGrant).toContain('bedrock:InvokeModelWithResponseStream');
    expect(homeGrant).toContain('bedrock:CountTokens');
    expect(homeGrant).toContain(':bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(homeGrant).toContain(':inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(homeGrant).not.toMatch(/foundation-model\/\*/);
    const euGrant = bedrockResources(eu);
    expect(euGrant).toContain(':bedrock:eu-*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(euGrant).toContain(':inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(euGrant).not.toContain('inference-profile/us.');
  });
});

describe('options from context', () => {
  it('passes the markup and the JSON answers choice to the routers', () => {
    synthesize({ stacks: ['home'], markup: 0.05, upstreamJson: true }).home?.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ SWITCHBOARD_MARKUP: '0.05', SWITCHBOARD_UPSTREAM_JSON: 'true' }) },
    });
    home.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      Environment: { Variables: Match.objectLike({ SWITCHBOARD_MARKUP: '0', SWITCHBOARD_UPSTREAM_JSON: 'false' }) },
    });
  });

  it('adds a custom domain with TLS 1.2, a WAF rate limit, reserved concurrency and tracing', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123';
    const { home: template } = synthesize({
      stacks: ['home'],
      home: { domain: { name: 'llm.example.com', certificateArn }, routerReservedConcurrency: 50 },
      waf: { enabled: true, ratePer5Minutes: 500 },
      tracing: true,
    });
    template?.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['llm.example.com'],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021' }),
        WebACLId: Match.anyValue(),
      }),
    });
    template?.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: [Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } } })],
    });
    template?.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Switchboard router'),
      ReservedConcurrentExecutions: 50,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('refuses to create a CloudFront WAF outside us-east-1 and takes an existing one instead', () => {
    expect(() => synthesize({ waf: { enabled: true } })).toThrow(/only be created in us-east-1/);
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/switchboard/abc';
    const { eu: template } = synthesize({ waf: { enabled: true }, eu: { webAclArn } });
    template?.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: webAclArn }),
    });
  });
});
