import { App } from 'aws-cdk-lib';
import { parseSwitchboardConfig } from '../lib/config.js';
import { addSwitchboardStacks } from '../lib/switchboard-app.js';

const app = new App();
addSwitchboardStacks(app, parseSwitchboardConfig(app.node.tryGetContext('switchboard')));
