import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseSwitchboardConfig } from '../../lib/config.js';
import { addSwitchboardStacks } from '../../lib/switchboard-app.js';

export interface Synthesized {
  home: Template | undefined;
  eu: Template | undefined;
  app: App;
}

/**
 * Synthesizes the app from a `switchboard` context under cdk-nag's AwsSolutions checks (which
 * throw on any unacknowledged finding). Bundling is skipped; the bundling test covers esbuild.
 */
export function synthesize(context: unknown = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addSwitchboardStacks(app, parseSwitchboardConfig(context));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const template = (id: string) => {
    const stack = stacks.find((candidate) => candidate.stackName === id);
    return stack ? Template.fromStack(stack) : undefined;
  };
  return { home: template('Switchboard'), eu: template('SwitchboardEu'), app };
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The IAM statements of the role of the function whose description starts with `prefix`. */
export function statementsOf(template: Template, prefix: string): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const match = Object.values(functions).find((fn) =>
    String((fn as { Properties: { Description?: string } }).Properties.Description ?? '').startsWith(prefix),
  ) as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } } | undefined;
  if (!match) throw new Error(`no function described "${prefix}..."`);
  const roleId = match.Properties.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

export function actionsIn(statements: Statement[]): string[] {
  return statements.flatMap((statement) => [statement.Action].flat());
}
