import { z } from 'zod';
import { decimalUnits } from './decimal-amounts.js';

/**
 * What an alert watches. Requesty's three (spend per `requesty.user_id`, a group's share of its
 * budget, the prepaid balance) and this product's: an API key's spend (keys are its unit of
 * budget) and the organisation's share of its monthly budget.
 * https://docs.requesty.ai/features/alerts#alert-types
 */
export const alertTypes = [
  'user.budget.exceeded_absolute',
  'group.budget.exceeded_percent',
  'org.balance.below_absolute',
  'key.budget.exceeded_percent',
  'key.budget.exceeded_absolute',
  'org.budget.exceeded_percent',
] as const;

export type AlertType = (typeof alertTypes)[number];

/** A threshold's unit, and which of `key_id` / `group_id` may narrow what an alert of the type watches. */
export const alertTypeRules: Readonly<Record<AlertType, { unit: 'percent' | 'dollars'; narrowedBy: readonly ('key_id' | 'group_id')[] }>> = {
  'user.budget.exceeded_absolute': { unit: 'dollars', narrowedBy: ['group_id'] },
  'group.budget.exceeded_percent': { unit: 'percent', narrowedBy: ['group_id'] },
  'org.balance.below_absolute': { unit: 'dollars', narrowedBy: [] },
  'key.budget.exceeded_percent': { unit: 'percent', narrowedBy: ['key_id', 'group_id'] },
  'key.budget.exceeded_absolute': { unit: 'dollars', narrowedBy: ['key_id', 'group_id'] },
  'org.budget.exceeded_percent': { unit: 'percent', narrowedBy: [] },
};

/**
 * An alert as stored. `threshold` is in basis points (8000 = 80%) for percent types and in
 * micro-dollars for dollar types. Without `keyId` / `groupId` an alert watches every key, group
 * or user of its type.
 */
export const alertRuleSchema = z.object({
  id: z.string(),
  type: z.enum(alertTypes),
  threshold: z.number().int().positive(),
  keyId: z.string().optional(),
  groupId: z.string().optional(),
  description: z.string().optional(),
  createdAt: z.number(),
});

export type AlertRule = z.infer<typeof alertRuleSchema>;

/** How many alerts an organisation may have: every settled request is checked against them. */
export const maxAlerts = 100;

const maxDollars = 1_000_000_000;

/** A threshold as the API takes it: a JSON number or a decimal string. */
const thresholdInput = z.union([z.number(), z.string().max(32)]);

/** `POST /v1/manage/alert`: validated and converted to the stored units. */
export const createAlertRequestSchema = z
  .object({
    type: z.enum(alertTypes),
    threshold: thresholdInput,
    key_id: z.string().min(1).max(128).optional(),
    group_id: z.string().min(1).max(64).optional(),
    description: z.string().max(1024).optional(),
  })
  .strict()
  .transform((body, context) => {
    const rules = alertTypeRules[body.type];
    for (const field of ['key_id', 'group_id'] as const) {
      if (body[field] !== undefined && !rules.narrowedBy.includes(field)) {
        context.addIssue({ code: 'custom', path: [field], message: `${body.type} alerts cannot be narrowed by ${field}` });
      }
    }
    const threshold = rules.unit === 'percent' ? percentBasisPoints(body.threshold) : dollarMicros(body.threshold);
    if (threshold === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['threshold'],
        message:
          rules.unit === 'percent'
            ? 'must be a percentage from 1 to 100 (a number or a decimal string, at most 2 decimal places)'
            : `must be a dollar amount above 0 and at most ${maxDollars} (a number or a decimal string, at most 6 decimal places)`,
      });
      return z.NEVER;
    }
    return {
      type: body.type,
      threshold,
      ...(body.key_id === undefined ? {} : { keyId: body.key_id }),
      ...(body.group_id === undefined ? {} : { groupId: body.group_id }),
      ...(body.description === undefined ? {} : { description: body.description }),
    };
  });

export type AlertRequest = z.output<typeof createAlertRequestSchema>;

function percentBasisPoints(value: number | string): number | undefined {
  const basisPoints = decimalUnits(value, 2);
  return basisPoints !== undefined && basisPoints >= 100 && basisPoints <= 10_000 ? basisPoints : undefined;
}

function dollarMicros(value: number | string): number | undefined {
  const micros = decimalUnits(value, 6);
  return micros !== undefined && micros > 0 && micros <= maxDollars * 1_000_000 ? micros : undefined;
}
