import { describe, expect, it } from 'vitest';
import { idleCostPerMonth, liteLlmCost, routerCostPerMillion, total, type AwsPrices, type Workload } from '../../scripts/cost/cost-model.js';

// Round prices so each figure can be checked by hand.
const prices: AwsPrices = {
  lambdaGbSecondArm: 0.00001,
  lambdaGbSecondX86: 0.00002,
  lambdaPerMillionRequests: 0.2,
  functionUrlPerMillionRequests: 0,
  cloudFrontPerMillionHttpsRequests: 1,
  cloudFrontGbOut: 0.1,
  cloudFrontGbToOrigin: 0.02,
  dynamoDbPerMillionWriteUnits: 1,
  dynamoDbPerMillionReadUnits: 0.1,
  firehosePerGbIngested: 0.03,
  firehoseRecordIncrementKb: 5,
  secretsManagerPerSecretMonth: 0.4,
  secretsManagerPer10kCalls: 0.05,
  s3PerGbMonth: 0.023,
  s3PerThousandPuts: 0.005,
  sqsPerMillionRequests: 0.4,
  eventBridgePerMillionEvents: 1,
  cloudWatchLogsPerGbIngested: 0.5,
  cloudWatchAlarmPerMonth: 0.1,
  wafPerWebAclMonth: 5,
  wafPerRuleMonth: 1,
  wafPerMillionRequests: 0.6,
  kmsPerKeyMonth: 1,
  fargateVcpuHourArm: 0.04,
  fargateGbHourArm: 0.004,
  albPerHour: 0.02,
  albPerLcuHour: 0.01,
  rdsT4gMicroPerHour: 0.01,
  rdsGbMonthGp3: 0.1,
};

const workload: Workload = {
  router: { memoryMb: 512, architecture: 'arm', requestKb: 1024, responseKb: 2048 },
  perRequest: { dynamoDbWriteUnits: 4, dynamoDbReadUnits: 10, firehoseRecords: 1, firehoseRecordKb: 2, logKb: 1024, eventBridgeEvents: 0, sqsRequests: 0 },
  coldStartsPerMillionRequests: 1000,
  monthlyRequestsForComparison: 2_000_000,
  litellm: { tasks: 2, vcpuPerTask: 1, gbPerTask: 2, albLcu: 1, databaseGb: 10 },
};

describe('the cost model', () => {
  it('prices a million requests by service from the calls each makes', () => {
    const cost = routerCostPerMillion(prices, workload, { secretsPerColdStart: 2, webAcl: false }, 2);
    // 1e6 requests × 0.5 GB × 2 s × $0.00001.
    expect(cost['Lambda duration']).toBeCloseTo(10, 9);
    expect(cost['Lambda requests']).toBeCloseTo(0.2, 9);
    // $1 of requests + 1e6 × 2 MB out (1,953.125 GB × $0.1) + 1e6 × 1 MB to the origin (976.5625 GB × $0.02).
    expect(cost.CloudFront).toBeCloseTo(1 + 195.3125 + 19.53125, 6);
    expect(cost.WAF).toBe(0);
    // 4 write units × $1 + 10 read units × $0.1.
    expect(cost.DynamoDB).toBeCloseTo(5, 9);
    // A 2 KB record is billed as 5 KB: 1e6 × 5 KB = 4.76837 GB × $0.03.
    expect(cost.Firehose).toBeCloseTo((5e6 / 1048576) * 0.03, 9);
    // 1,000 cold starts × 2 secrets = 2,000 calls = 0.2 × $0.05.
    expect(cost['Secrets Manager']).toBeCloseTo(0.01, 9);
    // 1e6 × 1 MB = 976.5625 GB × $0.5.
    expect(cost['CloudWatch Logs']).toBeCloseTo(488.28125, 6);
    expect(total(cost)).toBeCloseTo(10 + 0.2 + 215.84375 + 5 + (5e6 / 1048576) * 0.03 + 0.01 + 488.28125, 6);
  });

  it('charges WAF per request only where there is a web ACL, and x86 at its own rate', () => {
    expect(routerCostPerMillion(prices, workload, { secretsPerColdStart: 0, webAcl: true }, 1).WAF).toBe(0.6);
    const x86 = { ...workload, router: { ...workload.router, architecture: 'x86' as const } };
    expect(routerCostPerMillion(prices, x86, { secretsPerColdStart: 0, webAcl: false }, 1)['Lambda duration']).toBeCloseTo(10, 9);
  });

  it('adds up the idle bill from the resources billed by the month', () => {
    const idle = idleCostPerMonth(prices, { secrets: 3, webAcls: 1, webAclRules: 2, alarms: 4, kmsKeys: 1 });
    expect(idle).toEqual({ 'Secrets Manager': expect.closeTo(1.2, 9), WAF: 7, 'CloudWatch alarms': expect.closeTo(0.4, 9), KMS: 1 });
  });

  it('prices LiteLLM as always-on tasks, a load balancer and a database', () => {
    const { monthly } = liteLlmCost(prices, workload);
    // 2 tasks × 730 h × (1 × $0.04 + 2 × $0.004).
    expect(monthly.Fargate).toBeCloseTo(70.08, 9);
    expect(monthly['Load balancer']).toBeCloseTo(730 * 0.03, 9);
    expect(monthly.PostgreSQL).toBeCloseTo(7.3 + 1, 9);
  });
});
