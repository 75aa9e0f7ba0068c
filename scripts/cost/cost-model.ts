import { z } from 'zod';

/** scripts/cost/aws-prices.json: dollars, per the unit each name states. */
export const awsPricesSchema = z.object({
  region: z.string(),
  pricesAsOf: z.string(),
  sources: z.record(z.string(), z.url()),
  prices: z.object({
    lambdaGbSecondArm: z.number(),
    lambdaGbSecondX86: z.number(),
    lambdaPerMillionRequests: z.number(),
    functionUrlPerMillionRequests: z.number(),
    cloudFrontPerMillionHttpsRequests: z.number(),
    cloudFrontGbOut: z.number(),
    cloudFrontGbToOrigin: z.number(),
    dynamoDbPerMillionWriteUnits: z.number(),
    dynamoDbPerMillionReadUnits: z.number(),
    firehosePerGbIngested: z.number(),
    firehoseRecordIncrementKb: z.number(),
    secretsManagerPerSecretMonth: z.number(),
    secretsManagerPer10kCalls: z.number(),
    s3PerGbMonth: z.number(),
    s3PerThousandPuts: z.number(),
    sqsPerMillionRequests: z.number(),
    eventBridgePerMillionEvents: z.number(),
    cloudWatchLogsPerGbIngested: z.number(),
    cloudWatchAlarmPerMonth: z.number(),
    wafPerWebAclMonth: z.number(),
    wafPerRuleMonth: z.number(),
    wafPerMillionRequests: z.number(),
    kmsPerKeyMonth: z.number(),
    fargateVcpuHourArm: z.number(),
    fargateGbHourArm: z.number(),
    albPerHour: z.number(),
    albPerLcuHour: z.number(),
    rdsT4gMicroPerHour: z.number(),
    rdsGbMonthGp3: z.number(),
  }),
});
export type AwsPrices = z.infer<typeof awsPricesSchema>['prices'];

/** scripts/cost/workload.json: what one request costs in AWS calls, and the comparison's assumptions. */
export const workloadSchema = z.object({
  router: z.object({ memoryMb: z.number().positive(), architecture: z.enum(['arm', 'x86']), requestKb: z.number(), responseKb: z.number() }),
  perRequest: z.object({
    dynamoDbWriteUnits: z.number(),
    dynamoDbReadUnits: z.number(),
    firehoseRecords: z.number(),
    firehoseRecordKb: z.number(),
    logKb: z.number(),
    eventBridgeEvents: z.number(),
    sqsRequests: z.number(),
  }),
  coldStartsPerMillionRequests: z.number(),
  monthlyRequestsForComparison: z.number().positive(),
  litellm: z.object({ tasks: z.number(), vcpuPerTask: z.number(), gbPerTask: z.number(), albLcu: z.number(), databaseGb: z.number() }),
});
export type Workload = z.infer<typeof workloadSchema>;

/** What the deployed stacks hold that is billed by the month whether used or not. */
export interface IdleResources {
  secrets: number;
  webAcls: number;
  webAclRules: number;
  alarms: number;
  kmsKeys: number;
}

export type Breakdown = Record<string, number>;

const hoursPerMonth = 730;
const kbPerGb = 1024 * 1024;
const million = 1_000_000;

/** Dollars per million requests through the router, by service, at an average duration (s). */
export function routerCostPerMillion(
  prices: AwsPrices,
  workload: Workload,
  stack: { secretsPerColdStart: number; webAcl: boolean },
  durationSeconds: number,
): Breakdown {
  const { router, perRequest } = workload;
  const gbSecond = router.architecture === 'arm' ? prices.lambdaGbSecondArm : prices.lambdaGbSecondX86;
  // Firehose bills each record rounded up to its increment.
  const firehoseKb = Math.ceil(perRequest.firehoseRecordKb / prices.firehoseRecordIncrementKb) * prices.firehoseRecordIncrementKb;
  return {
    'Lambda duration': million * (router.memoryMb / 1024) * durationSeconds * gbSecond,
    'Lambda requests': prices.lambdaPerMillionRequests + prices.functionUrlPerMillionRequests,
    CloudFront:
      prices.cloudFrontPerMillionHttpsRequests +
      ((million * router.responseKb) / kbPerGb) * prices.cloudFrontGbOut +
      ((million * router.requestKb) / kbPerGb) * prices.cloudFrontGbToOrigin,
    WAF: stack.webAcl ? prices.wafPerMillionRequests : 0,
    DynamoDB: perRequest.dynamoDbWriteUnits * prices.dynamoDbPerMillionWriteUnits + perRequest.dynamoDbReadUnits * prices.dynamoDbPerMillionReadUnits,
    Firehose: ((million * perRequest.firehoseRecords * firehoseKb) / kbPerGb) * prices.firehosePerGbIngested,
    'Secrets Manager': (workload.coldStartsPerMillionRequests * stack.secretsPerColdStart * prices.secretsManagerPer10kCalls) / 10_000,
    'CloudWatch Logs': ((million * perRequest.logKb) / kbPerGb) * prices.cloudWatchLogsPerGbIngested,
    'EventBridge, SQS': perRequest.eventBridgeEvents * prices.eventBridgePerMillionEvents + perRequest.sqsRequests * prices.sqsPerMillionRequests,
  };
}

/** Dollars per month the deployment costs with no traffic at all. */
export function idleCostPerMonth(prices: AwsPrices, idle: IdleResources): Breakdown {
  return {
    'Secrets Manager': idle.secrets * prices.secretsManagerPerSecretMonth,
    WAF: idle.webAcls * prices.wafPerWebAclMonth + idle.webAclRules * prices.wafPerRuleMonth,
    'CloudWatch alarms': idle.alarms * prices.cloudWatchAlarmPerMonth,
    KMS: idle.kmsKeys * prices.kmsPerKeyMonth,
  };
}

/** LiteLLM on Fargate (see workload.json): the fixed monthly bill, and what traffic adds per million requests. */
export function liteLlmCost(prices: AwsPrices, workload: Workload): { monthly: Breakdown; perMillion: Breakdown } {
  const { litellm, router, perRequest } = workload;
  return {
    monthly: {
      Fargate: litellm.tasks * hoursPerMonth * (litellm.vcpuPerTask * prices.fargateVcpuHourArm + litellm.gbPerTask * prices.fargateGbHourArm),
      'Load balancer': hoursPerMonth * (prices.albPerHour + litellm.albLcu * prices.albPerLcuHour),
      PostgreSQL: hoursPerMonth * prices.rdsT4gMicroPerHour + litellm.databaseGb * prices.rdsGbMonthGp3,
    },
    perMillion: {
      'Data transfer out': ((million * router.responseKb) / kbPerGb) * prices.cloudFrontGbOut,
      'CloudWatch Logs': ((million * perRequest.logKb) / kbPerGb) * prices.cloudWatchLogsPerGbIngested,
    },
  };
}

export function total(breakdown: Breakdown): number {
  return Object.values(breakdown).reduce((sum, value) => sum + value, 0);
}
