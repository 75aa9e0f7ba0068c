import { parseArgs } from 'node:util';
import { GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { loadProviderCredentials } from '../lambdas/handlers/load-provider-credentials.js';
import { mergeProviderSecrets, type OldProviderSecret } from './provider-secrets/merge-provider-secrets.js';

/**
 * `npm run export-provider-secrets -- --stack <Switchboard|SwitchboardEu> --region <region>`:
 * before deploying the version with one provider secret per stack, prints the stack's old
 * per-provider secrets merged into that secret's JSON (`{"openai": {"apiKey": ...}, ...}`) on
 * stdout, for `aws secretsmanager put-secret-value --secret-string file://...` after the deploy.
 * What it found goes to stderr, by provider id only. Uses the AWS SDK's default credentials.
 */
const { values } = parseArgs({ options: { stack: { type: 'string' }, region: { type: 'string' } } });
if (!values.stack) {
  console.error('Usage: npm run export-provider-secrets -- --stack <stack name> [--region <region>] > providers.json');
  process.exit(2);
}
const client = new SecretsManagerClient(values.region ? { region: values.region } : {});
const listed: SecretListEntry[] = [];
let nextToken: string | undefined;
do {
  const page = await client.send(
    new ListSecretsCommand({
      // Prefix matches (`Switchboard` also matches `SwitchboardEu`): the stack is checked exactly below.
      Filters: [
        { Key: 'tag-value', Values: [values.stack] },
        { Key: 'description', Values: ['Switchboard credentials for provider'] },
      ],
      ...(nextToken ? { NextToken: nextToken } : {}),
    }),
  );
  const ofStack = (entry: SecretListEntry) => entry.Tags?.some((tag) => tag.Key === 'aws:cloudformation:stack-name' && tag.Value === values.stack);
  listed.push(...(page.SecretList ?? []).filter(ofStack));
  nextToken = page.NextToken;
} while (nextToken);

const old: OldProviderSecret[] = await Promise.all(
  listed.map(async (entry) => {
    const name = entry.Name ?? entry.ARN ?? '';
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: entry.ARN }));
      return { name, description: entry.Description ?? '', text: SecretString };
    } catch {
      return { name, description: entry.Description ?? '', text: undefined };
    }
  }),
);
const { merged, exported, empty, skipped } = mergeProviderSecrets(old);
console.log(JSON.stringify(merged, null, 2));
console.error(`Stack ${values.stack}: ${old.length} provider secrets; exported: ${exported.join(', ') || 'none'}; empty: ${empty.join(', ') || 'none'}.`);
if (old.length === 0) {
  console.error(`No per-provider secrets of stack ${values.stack} found in this region: nothing to migrate (or read each old <provider>SecretArn output's secret by hand).`);
}
for (const { name, reason } of skipped) console.error(`Skipped ${name}: it ${reason}. Add its provider to the file by hand.`);
// The router's own check, so an entry it would refuse is seen now rather than after the deploy.
const checked = await loadProviderCredentials('(exported)', async () => JSON.stringify(merged));
for (const problem of checked.problems) console.error(`Check: ${problem.reason}`);
