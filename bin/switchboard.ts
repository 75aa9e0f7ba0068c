import { App } from 'aws-cdk-lib';
import { parseSwitchboardConfig } from '../lib/config.js';
import { SwitchboardStack } from '../lib/switchboard-stack.js';

const app = new App();
const config = parseSwitchboardConfig(app.node.tryGetContext('switchboard'));

new SwitchboardStack(app, 'Switchboard', {
  env: { region: config.homeRegion, ...(config.account ? { account: config.account } : {}) },
  production: config.production,
  description: 'Switchboard: self-hosted LLM gateway (home region)',
});
