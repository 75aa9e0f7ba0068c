import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy } from '../console/security-headers.js';
import { originVerifyHeader } from '../lambdas/handlers/origin-guard.js';

export interface EdgeProps {
  routerUrl: lambda.IFunctionUrl;
  managementUrl: lambda.IFunctionUrl;
  originSecret: secretsmanager.ISecret;
  /** A custom domain; its ACM certificate must be in us-east-1, as CloudFront requires. */
  domain?: { name: string; certificateArn: string };
  /** A CloudFront-scope WAF web ACL to attach. */
  webAclArn?: string;
  /** The web console's bucket (lib/console-site.ts), served under /console/. */
  consoleBucket?: s3.IBucket;
}

/** The path CloudFront sends to the management function; everything else goes to the router. */
export const managementPathPattern = '/v1/manage/*';

/**
 * `/console` goes to `/console/`, whose relative asset URLs then resolve; `/console/` is the
 * index. CloudFront's default root object only covers `/`, which the router answers.
 */
const consoleIndexFunction = `function handler(event) {
  var request = event.request;
  if (request.uri === '/console') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/console/' } } };
  }
  if (request.uri === '/console/') request.uri = '/console/index.html';
  return request;
}`;

/**
 * CloudFront in front of the router and the management API: HTTPS only, nothing cached, every
 * API method and header forwarded.
 */
export class Edge extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const originFor = (url: lambda.IFunctionUrl) =>
      new origins.FunctionUrlOrigin(url, {
        // The idle limit between bytes, not the request length: streams send keep-alives well
        // inside it. 60 s is the most CloudFront allows without a quota increase.
        readTimeout: Duration.seconds(60),
        keepaliveTimeout: Duration.seconds(60),
        // A CloudFormation dynamic reference: the value never appears in the template.
        customHeaders: { [originVerifyHeader]: props.originSecret.secretValueFromJson('current').unsafeUnwrap() },
      });
    const apiBehavior = {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // The function URL must see its own host, so every viewer header but Host is forwarded.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: false,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Switchboard LLM gateway',
      defaultBehavior: { origin: originFor(props.routerUrl), ...apiBehavior },
      additionalBehaviors: {
        ...(props.consoleBucket ? this.consoleBehaviors(props.consoleBucket) : {}),
        [managementPathPattern]: { origin: originFor(props.managementUrl), ...apiBehavior },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge('AwsSolutions-CFR1', 'An API gateway for applications: who may call it is decided by API keys, not geography.');
    if (!props.webAclArn) {
      acknowledge('AwsSolutions-CFR2', 'WAF is opt-in (switchboard.waf); API keys and spend limits guard every call.');
    }
    acknowledge('AwsSolutions-CFR3', 'The router writes its own per-request log; CloudFront logs would duplicate it.');
    if (!props.domain) {
      acknowledge('AwsSolutions-CFR4', 'The default cloudfront.net certificate fixes the TLS policy; a custom domain sets TLS 1.2.');
    }
  }

  /**
   * The console's files from their private bucket, read through Origin Access Control: hashed
   * assets cached (they never change), the index never (it names the current assets). Both
   * carry the console's Content-Security-Policy and the usual security headers.
   */
  private consoleBehaviors(bucket: s3.IBucket): Record<string, cloudfront.BehaviorOptions> {
    const origin = origins.S3BucketOrigin.withOriginAccessControl(bucket);
    const responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'Switchboard console: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      },
    });
    const files = {
      origin,
      responseHeadersPolicy,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
    };
    const index = new cloudfront.Function(this, 'ConsoleIndex', {
      code: cloudfront.FunctionCode.fromInline(consoleIndexFunction),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Switchboard console: /console/ is its index',
    });
    return {
      '/console/assets/*': { ...files, cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED },
      '/console*': {
        ...files,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        functionAssociations: [{ function: index, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    };
  }
}
