import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { parseSwitchboardConfig } from '../lib/config.js';
import { addSwitchboardStacks } from '../lib/switchboard-app.js';
import { awsPricesSchema, idleCostPerMonth, liteLlmCost, routerCostPerMillion, total, workloadSchema, type Breakdown, type IdleResources } from './cost/cost-model.js';

/**
 * `npm run cost`: dollars per million requests at 1, 5 and 30 s average duration and the idle
 * bill per month, from the list prices in scripts/cost/aws-prices.json, the AWS calls per request
 * in scripts/cost/workload.json, and the resources the stacks synthesize (offline, as `cdk
 * synth`), beside LiteLLM on two Fargate tasks at the same volume.
 */
const read = (name: string) => JSON.parse(readFileSync(new URL(`./cost/${name}`, import.meta.url), 'utf8')) as unknown;
const priceList = awsPricesSchema.parse(read('aws-prices.json'));
const workload = workloadSchema.parse(read('workload.json'));
const prices = priceList.prices;

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** What one synthesized stack bills by the month, and how many secrets a router cold start reads. */
function inventory(stack: Stack, app: App): { idle: IdleResources; secretsPerColdStart: number } {
  const template = JSON.parse(readFileSync(`${app.outdir}/${stack.templateFile}`, 'utf8')) as { Resources: Record<string, Resource> };
  const resources = Object.entries(template.Resources);
  const of = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const router = resources.find(([, resource]) => resource.Type === 'AWS::Lambda::Function' && String(resource.Properties?.Description ?? '').startsWith('Switchboard router'));
  const routerEnv = JSON.stringify(router?.[1].Properties?.Environment ?? {});
  return {
    idle: {
      secrets: of('AWS::SecretsManager::Secret').length,
      webAcls: of('AWS::WAFv2::WebACL').length,
      webAclRules: of('AWS::WAFv2::WebACL').reduce((sum, [, acl]) => sum + ((acl.Properties?.Rules as unknown[] | undefined)?.length ?? 0), 0),
      alarms: of('AWS::CloudWatch::Alarm').length,
      kmsKeys: of('AWS::KMS::Key').length,
    },
    secretsPerColdStart: of('AWS::SecretsManager::Secret').filter(([id]) => routerEnv.includes(`"${id}"`)).length,
  };
}

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stacks = addSwitchboardStacks(app, parseSwitchboardConfig(app.node.tryGetContext('switchboard') ?? {}));
app.synth();
const dollars = (value: number) => (value > 0 && value < 0.005 ? 'under $0.01' : `$${value < 10 ? value.toFixed(2) : value.toFixed(0)}`);
const lines = (breakdown: Breakdown) =>
  Object.entries(breakdown)
    .filter(([, value]) => value > 0)
    .map(([name, value]) => `${name} ${dollars(value)}`)
    .join(', ');

console.log(`Switchboard on AWS, ${priceList.region} list prices as of ${priceList.pricesAsOf} (scripts/cost/aws-prices.json)`);
console.log(
  `Router: ${workload.router.memoryMb} MB ${workload.router.architecture === 'arm' ? 'arm64' : 'x86_64'} Lambda; per request ${workload.perRequest.dynamoDbWriteUnits} DynamoDB write units, ` +
    `${workload.perRequest.firehoseRecords} Firehose record, ${workload.coldStartsPerMillionRequests} cold starts per million requests (scripts/cost/workload.json)\n`,
);
const durations = [1, 5, 30];
const perMillion = new Map<number, number>();
for (const stack of stacks) {
  const { idle, secretsPerColdStart } = inventory(stack, app);
  console.log(`Stack ${stack.stackName} (${stack.region}):`);
  for (const seconds of durations) {
    const breakdown = routerCostPerMillion(prices, workload, { secretsPerColdStart, webAcl: idle.webAcls > 0 }, seconds);
    if (!perMillion.has(seconds)) perMillion.set(seconds, total(breakdown));
    console.log(`  ${String(seconds).padStart(2)} s average: ${dollars(total(breakdown)).padStart(7)} per million requests (${lines(breakdown)})`);
  }
  const idleCost = idleCostPerMonth(prices, idle);
  console.log(
    `  idle: ${dollars(total(idleCost))} per month (${lines(idleCost)}; ${idle.secrets} secrets, ${idle.alarms} alarms, ${idle.webAcls} web ACL with ${idle.webAclRules} rules, ` +
      `${idle.kmsKeys} KMS keys; DynamoDB, Lambda, Firehose and CloudFront cost nothing idle; storage grows with use)\n`,
  );
}
const litellm = liteLlmCost(prices, workload);
const volume = workload.monthlyRequestsForComparison;
console.log(`LiteLLM on ${workload.litellm.tasks} Fargate tasks at ${volume / 1_000_000} million requests a month (any duration, while 2 tasks keep up):`);
const litellmPerMillion = total(litellm.monthly) / (volume / 1_000_000) + total(litellm.perMillion);
console.log(`  ${dollars(litellmPerMillion)} per million requests; idle ${dollars(total(litellm.monthly))} per month (${lines(litellm.monthly)})`);
for (const seconds of durations) {
  const router = perMillion.get(seconds) ?? Number.NaN;
  console.log(`  at ${String(seconds).padStart(2)} s: Switchboard ${dollars(router)} vs LiteLLM ${dollars(litellmPerMillion)} per million (${(router / litellmPerMillion).toFixed(2)}x)`);
}
