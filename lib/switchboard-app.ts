import type { App } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { euRegion, type SwitchboardConfig } from './config.js';
import { SwitchboardStack } from './switchboard-stack.js';
import type { SwitchboardGatewayProps } from './switchboard-gateway.js';

const tableNamePrefix = 'switchboard';

/**
 * The stacks the config asks for: `Switchboard` in the home region, owning keys and policies,
 * and `SwitchboardEu` in eu-central-1, serving from replicas of them and keeping its usage,
 * logs, analytics and alerts in eu-central-1.
 */
export function addSwitchboardStacks(app: App, config: SwitchboardConfig): SwitchboardStack[] {
  const env = (region: string) => ({ region, ...(config.account ? { account: config.account } : {}) });
  const withEu = config.stacks.includes('eu');
  const common = (stack: SwitchboardConfig['home']): Omit<SwitchboardGatewayProps, 'sharedTables' | 'euOnly'> => ({
    name: tableNamePrefix,
    production: config.production,
    markup: config.markup,
    upstreamJson: config.upstreamJson,
    logRetention: config.logRetentionDays as logs.RetentionDays,
    tracing: config.tracing,
    requestLogs: config.requestLogs,
    ...(stack.domain ? { domain: stack.domain } : {}),
    ...(stack.routerReservedConcurrency ? { routerReservedConcurrency: stack.routerReservedConcurrency } : {}),
    ...(stack.webAclArn
      ? { waf: { webAclArn: stack.webAclArn } }
      : config.waf.enabled
        ? { waf: { ratePer5Minutes: config.waf.ratePer5Minutes } }
        : {}),
    ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
  });

  const stacks: SwitchboardStack[] = [];
  const home = config.stacks.includes('home')
    ? new SwitchboardStack(app, 'Switchboard', {
        env: env(config.homeRegion),
        description: `Switchboard LLM gateway (home region ${config.homeRegion})`,
        gateway: {
          ...common(config.home),
          sharedTables: { owner: true, replicaRegions: withEu ? [euRegion] : [] },
          euOnly: config.homeRegion === euRegion && !config.eu.allowNonEuModels,
        },
      })
    : undefined;
  if (home) stacks.push(home);
  if (withEu) {
    const eu = new SwitchboardStack(app, 'SwitchboardEu', {
      env: env(euRegion),
      description: 'Switchboard LLM gateway (EU: processing, storage and logs in eu-central-1)',
      gateway: {
        ...common(config.eu),
        sharedTables: home
          ? { owner: false, homeName: tableNamePrefix }
          : { owner: true, replicaRegions: [] },
        euOnly: !config.eu.allowNonEuModels,
      },
    });
    // The EU gateway serves from the replicas of the home stack's keys, policies and directory tables.
    if (home) eu.node.addDependency(home);
    stacks.push(eu);
  }
  return stacks;
}
