import { describe, expect, it } from 'vitest';
import { alertPayloadSchema, renderAlertPayload, testPayload } from '../../../lambdas/core/alerts/alert-payload.js';
import type { AlertRule } from '../../../lambdas/core/alerts/alert-rules.js';
import { crossedAlerts, type Spends } from '../../../lambdas/core/alerts/crossed-alerts.js';
import { slackMessage } from '../../../lambdas/core/alerts/slack-message.js';
import { subjects } from './spend-subjects.js';

const spends: Spends = { key: 95_000_000, group: 460_000_000, org: 950_000_000, orgEver: 212_500_000, user: 60_000_000, userInGroup: 60_000_000 };

function payloadOf(type: AlertRule['type'], threshold: number, extra: Partial<AlertRule> = {}, admins: string[] = []) {
  const [crossing] = crossedAlerts([{ id: 'alr_1', type, threshold, createdAt: 1, ...extra }], subjects, spends);
  if (!crossing) throw new Error(`${type} did not cross`);
  return renderAlertPayload(crossing, { groupAdmins: admins });
}

describe("alert payloads, as on Requesty's alerts page", () => {
  // https://docs.requesty.ai/features/alerts#json-webhook: Requesty's fields in its order, then ours.
  it('user absolute spend, globally and within a group', () => {
    expect(payloadOf('user.budget.exceeded_absolute', 50_000_000)).toStrictEqual({
      type: 'user.budget.exceeded_absolute',
      data: { user_email: 'alice@company.com', absolute_exceeded: '50', user_id: 'alice@company.com', alert_id: 'alr_1', region: 'us-east-1' },
    });
    const inGroup = payloadOf('user.budget.exceeded_absolute', 50_000_000, { groupId: 'grp_e' });
    expect(Object.entries(inGroup.data).slice(0, 3)).toEqual([
      ['user_email', 'alice@company.com'],
      ['group_name', 'Engineering'],
      ['absolute_exceeded', '50'],
    ]);
    expect(inGroup.data).toMatchObject({ group_id: 'grp_e' });
  });

  it('group percentage of budget, with the group admins', () => {
    expect(payloadOf('group.budget.exceeded_percent', 9_000, {}, ['admin@company.com'])).toStrictEqual({
      type: 'group.budget.exceeded_percent',
      data: {
        group_name: 'Engineering',
        group_admins: [{ email: 'admin@company.com' }],
        limit: '500',
        percentage_exceeded: '0.9',
        group_id: 'grp_e',
        alert_id: 'alr_1',
        region: 'us-east-1',
      },
    });
  });

  it('organisation balance below, with the current balance in dollars and cents', () => {
    expect(payloadOf('org.balance.below_absolute', 100_000_000)).toStrictEqual({
      type: 'org.balance.below_absolute',
      data: { org_id: 'org_abc123', balance_threshold: '100', current_balance: '87.50', alert_id: 'alr_1', region: 'us-east-1' },
    });
  });

  it("this gateway's key and organisation alerts, in the same style", () => {
    expect(payloadOf('key.budget.exceeded_percent', 8_000)).toStrictEqual({
      type: 'key.budget.exceeded_percent',
      data: { key_id: 'key_a', key_name: 'batch jobs', group_id: 'grp_e', group_name: 'Engineering', limit: '100', percentage_exceeded: '0.8', alert_id: 'alr_1', region: 'us-east-1' },
    });
    expect(payloadOf('key.budget.exceeded_absolute', 12_340_000).data).toMatchObject({ key_id: 'key_a', absolute_exceeded: '12.34' });
    expect(payloadOf('org.budget.exceeded_percent', 9_500).data).toStrictEqual({ org_id: 'org_abc123', limit: '1000', percentage_exceeded: '0.95', alert_id: 'alr_1', region: 'us-east-1' });
  });

  it('every payload, and the test event, passes the payload schema unchanged', () => {
    for (const payload of [payloadOf('user.budget.exceeded_absolute', 1), payloadOf('group.budget.exceeded_percent', 100), testPayload('whk_1')]) {
      expect(alertPayloadSchema.parse(payload)).toStrictEqual(payload);
    }
  });
});

describe('Slack messages', () => {
  const text = (payload: Parameters<typeof slackMessage>[0]) => slackMessage(payload).text;

  it("carry the same facts as readable text, worded as on Requesty's page", () => {
    expect(text(payloadOf('user.budget.exceeded_absolute', 50_000_000))).toBe('User Spend Threshold Exceeded — alice@company.com exceeded $50 spend threshold (us-east-1)');
    expect(text(payloadOf('user.budget.exceeded_absolute', 50_000_000, { groupId: 'grp_e' }))).toBe(
      'User Spend Threshold Exceeded — alice@company.com exceeded $50 spend threshold in group Engineering (us-east-1)',
    );
    expect(text(payloadOf('group.budget.exceeded_percent', 9_000, {}, ['admin@company.com', 'bob@company.com']))).toBe(
      'Group Spend Threshold Exceeded — Engineering exceeded 90% of the $500 monthly limit (us-east-1). Group admins: admin@company.com, bob@company.com',
    );
    expect(text(payloadOf('org.balance.below_absolute', 100_000_000))).toBe(
      'Organization Balance Alert — Organization balance has dropped below $100 threshold. Current balance: 87.50 (us-east-1)',
    );
    expect(text(payloadOf('key.budget.exceeded_percent', 7_550))).toBe(
      'API Key Spend Threshold Exceeded — key batch jobs (key_a) exceeded 75.5% of its $100 monthly limit in group Engineering (us-east-1)',
    );
  });

  it("escape what Slack would read as markup in users' names", () => {
    const payload = renderAlertPayload(
      crossedAlerts([{ id: 'a', type: 'user.budget.exceeded_absolute', threshold: 1, createdAt: 1 }], { ...subjects, userId: '<!channel> & co' }, spends)[0]!,
    );
    expect(text(payload)).toContain('&lt;!channel&gt; &amp; co exceeded');
  });
});
