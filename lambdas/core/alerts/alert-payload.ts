import { z } from 'zod';
import type { AlertType } from './alert-rules.js';
import { balanceOf, type Crossing } from './crossed-alerts.js';
import { dollarsText, fractionText } from './decimal-amounts.js';

/**
 * What a JSON webhook receives: `{ "type", "data" }` exactly as on Requesty's alerts page,
 * amounts as decimal strings, Requesty's fields first; then the identifiers this gateway has
 * (`alert_id`, the key, group and user ids) and the `region` whose spend it is (spend is
 * counted per region). https://docs.requesty.ai/features/alerts#json-webhook
 */
const ours = { alert_id: z.string(), region: z.string() };
const groupOfKey = { group_id: z.string().optional(), group_name: z.string().optional() };

export const alertPayloadSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('user.budget.exceeded_absolute'),
    data: z.object({
      user_email: z.string(),
      group_name: z.string().optional(),
      absolute_exceeded: z.string(),
      user_id: z.string(),
      group_id: z.string().optional(),
      ...ours,
    }),
  }),
  z.object({
    type: z.literal('group.budget.exceeded_percent'),
    data: z.object({
      group_name: z.string(),
      group_admins: z.array(z.object({ email: z.string() })),
      limit: z.string(),
      percentage_exceeded: z.string(),
      group_id: z.string(),
      ...ours,
    }),
  }),
  z.object({
    type: z.literal('org.balance.below_absolute'),
    data: z.object({ org_id: z.string(), balance_threshold: z.string(), current_balance: z.string(), ...ours }),
  }),
  z.object({
    type: z.literal('key.budget.exceeded_percent'),
    data: z.object({ key_id: z.string(), key_name: z.string(), ...groupOfKey, limit: z.string(), percentage_exceeded: z.string(), ...ours }),
  }),
  z.object({
    type: z.literal('key.budget.exceeded_absolute'),
    data: z.object({ key_id: z.string(), key_name: z.string(), ...groupOfKey, absolute_exceeded: z.string(), ...ours }),
  }),
  z.object({
    type: z.literal('org.budget.exceeded_percent'),
    data: z.object({ org_id: z.string(), limit: z.string(), percentage_exceeded: z.string(), ...ours }),
  }),
  z.object({
    type: z.literal('webhook.test'),
    data: z.object({ webhook_id: z.string(), message: z.string() }),
  }),
]);

export type AlertPayload = z.infer<typeof alertPayloadSchema>;
export type PayloadOf<T extends AlertPayload['type']> = Extract<AlertPayload, { type: T }>;

/** What rendering needs beyond the crossing: the admins of a group (its members with the admin role). */
export interface PayloadExtras {
  groupAdmins?: readonly string[];
}

type Renderers = { [T in AlertType]: (crossing: Crossing, extras: PayloadExtras) => PayloadOf<T>['data'] };

const renderers: Renderers = {
  'user.budget.exceeded_absolute': ({ rule, subjects }) => {
    const group = rule.groupId === undefined ? undefined : subjects.group;
    const user = subjects.userId ?? '';
    return {
      user_email: user,
      ...(group ? { group_name: group.name } : {}),
      absolute_exceeded: dollarsText(rule.threshold),
      user_id: user,
      ...(group ? { group_id: group.id } : {}),
      ...identifiers({ rule, subjects }),
    };
  },
  'group.budget.exceeded_percent': ({ rule, subjects }, extras) => ({
    group_name: subjects.group?.name ?? '',
    group_admins: (extras.groupAdmins ?? []).map((email) => ({ email })),
    limit: dollarsText(subjects.group?.limit ?? 0),
    percentage_exceeded: fractionText(rule.threshold),
    group_id: subjects.group?.id ?? '',
    ...identifiers({ rule, subjects }),
  }),
  'org.balance.below_absolute': ({ rule, subjects, spends }) => ({
    org_id: subjects.org.name,
    balance_threshold: dollarsText(rule.threshold),
    current_balance: dollarsText(balanceOf(subjects.org.prepaidLimit ?? 0, spends.orgEver), { minDecimals: 2 }),
    ...identifiers({ rule, subjects }),
  }),
  'key.budget.exceeded_percent': ({ rule, subjects }) => ({
    ...keyOf(subjects),
    limit: dollarsText(subjects.key.limit ?? 0),
    percentage_exceeded: fractionText(rule.threshold),
    ...identifiers({ rule, subjects }),
  }),
  'key.budget.exceeded_absolute': ({ rule, subjects }) => ({
    ...keyOf(subjects),
    absolute_exceeded: dollarsText(rule.threshold),
    ...identifiers({ rule, subjects }),
  }),
  'org.budget.exceeded_percent': ({ rule, subjects }) => ({
    org_id: subjects.org.name,
    limit: dollarsText(subjects.org.limit ?? 0),
    percentage_exceeded: fractionText(rule.threshold),
    ...identifiers({ rule, subjects }),
  }),
};

/** The JSON payload announcing a crossing. */
export function renderAlertPayload(crossing: Crossing, extras: PayloadExtras = {}): AlertPayload {
  const type = crossing.rule.type;
  // Each renderer returns the data of its own type; TypeScript cannot follow the pairing through the lookup.
  return { type, data: renderers[type](crossing, extras) } as AlertPayload;
}

/** What `POST /v1/manage/webhook/{id}/test` sends. */
export function testPayload(webhookId: string): PayloadOf<'webhook.test'> {
  return { type: 'webhook.test', data: { webhook_id: webhookId, message: 'This is a test event from Switchboard: this webhook receives its alerts.' } };
}

function keyOf(subjects: Crossing['subjects']) {
  const { key, group } = subjects;
  return { key_id: key.id, key_name: key.name, ...(group ? { group_id: group.id, group_name: group.name } : {}) };
}

function identifiers({ rule, subjects }: Pick<Crossing, 'rule' | 'subjects'>) {
  return { alert_id: rule.id, region: subjects.region };
}
