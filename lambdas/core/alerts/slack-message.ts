import type { AlertPayload, PayloadOf } from './alert-payload.js';
import { decimalUnits, percentText } from './decimal-amounts.js';

/**
 * A Slack incoming-webhook message with the same facts as the JSON payload, worded as on
 * Requesty's alerts page. https://docs.requesty.ai/features/alerts#slack-webhook
 * Names and user ids come from users, so `&`, `<` and `>` are escaped: Slack would read
 * `<!channel>` as a mention. https://api.slack.com/reference/surfaces/formatting#escaping
 */
type Texts = { [T in AlertPayload['type']]: (data: PayloadOf<T>['data']) => string };

const texts: Texts = {
  'user.budget.exceeded_absolute': (d) =>
    `User Spend Threshold Exceeded — ${esc(d.user_email)} exceeded $${d.absolute_exceeded} spend threshold${inGroup(d.group_name)}${region(d)}`,
  'group.budget.exceeded_percent': (d) =>
    `Group Spend Threshold Exceeded — ${esc(d.group_name)} exceeded ${percent(d.percentage_exceeded)}% of the $${d.limit} monthly limit${region(d)}` +
    (d.group_admins.length > 0 ? `. Group admins: ${d.group_admins.map((admin) => esc(admin.email)).join(', ')}` : ''),
  'org.balance.below_absolute': (d) =>
    `Organization Balance Alert — Organization balance has dropped below $${d.balance_threshold} threshold. Current balance: ${d.current_balance}${region(d)}`,
  'key.budget.exceeded_percent': (d) =>
    `API Key Spend Threshold Exceeded — key ${esc(d.key_name)} (${d.key_id}) exceeded ${percent(d.percentage_exceeded)}% of its $${d.limit} monthly limit${inGroup(d.group_name)}${region(d)}`,
  'key.budget.exceeded_absolute': (d) =>
    `API Key Spend Threshold Exceeded — key ${esc(d.key_name)} (${d.key_id}) exceeded $${d.absolute_exceeded} spend threshold${inGroup(d.group_name)}${region(d)}`,
  'org.budget.exceeded_percent': (d) =>
    `Organization Spend Threshold Exceeded — ${esc(d.org_id)} exceeded ${percent(d.percentage_exceeded)}% of its $${d.limit} monthly limit${region(d)}`,
  'webhook.test': (d) => `Switchboard test — ${esc(d.message)} (webhook ${d.webhook_id})`,
};

export function slackMessage(payload: AlertPayload): { text: string } {
  // Each text reads the data of its own type; TypeScript cannot follow the pairing through the lookup.
  const text = (texts[payload.type] as (data: AlertPayload['data']) => string)(payload.data);
  return { text };
}

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function inGroup(groupName: string | undefined): string {
  return groupName === undefined ? '' : ` in group ${esc(groupName)}`;
}

function region(data: { region: string }): string {
  return ` (${data.region})`;
}

/** "0.8" → "80": the payload's fraction as people write a percentage. */
function percent(fraction: string): string {
  return percentText(decimalUnits(fraction, 4) ?? 0);
}
