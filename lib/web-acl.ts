import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WebAclProps {
  /** Requests one client IP may make in any 5 minutes before it is blocked. */
  ratePer5Minutes: number;
}

/**
 * A CloudFront-scope WAF web ACL (which AWS only accepts in us-east-1) with a per-IP rate
 * limit, a last line against a leaked key hammering the gateway before its budget stops it.
 */
export class WebAcl extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const acl = new wafv2.CfnWebACL(this, 'Acl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('switchboard-web-acl'),
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.ratePer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('switchboard-rate-limit'),
        },
      ],
    });
    this.arn = acl.attrArn;
  }
}
