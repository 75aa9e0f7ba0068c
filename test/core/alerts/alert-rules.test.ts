import { describe, expect, it } from 'vitest';
import { createAlertRequestSchema } from '../../../lambdas/core/alerts/alert-rules.js';
import { dollarsText, fractionText, percentText } from '../../../lambdas/core/alerts/decimal-amounts.js';

const parse = (body: unknown) => createAlertRequestSchema.safeParse(body);

describe('alert configuration', () => {
  it('keeps percent thresholds (1–100) as basis points and dollar thresholds, numbers or decimal strings, as micro-dollars', () => {
    expect(parse({ type: 'key.budget.exceeded_percent', threshold: 80 }).data).toEqual({ type: 'key.budget.exceeded_percent', threshold: 8_000 });
    expect(parse({ type: 'group.budget.exceeded_percent', threshold: '12.5', group_id: 'grp_1' }).data).toEqual({
      type: 'group.budget.exceeded_percent',
      threshold: 1_250,
      groupId: 'grp_1',
    });
    expect(parse({ type: 'org.budget.exceeded_percent', threshold: 100 }).data?.threshold).toBe(10_000);
    expect(parse({ type: 'org.balance.below_absolute', threshold: '100' }).data?.threshold).toBe(100_000_000);
    expect(parse({ type: 'user.budget.exceeded_absolute', threshold: 0.000001 }).data?.threshold).toBe(1);
    expect(parse({ type: 'key.budget.exceeded_absolute', threshold: '87.50', key_id: 'key_1' }).data).toEqual({
      type: 'key.budget.exceeded_absolute',
      threshold: 87_500_000,
      keyId: 'key_1',
    });
  });

  it('refuses thresholds out of range or too precise, naming the field', () => {
    for (const [type, threshold] of [
      ['key.budget.exceeded_percent', 0],
      ['key.budget.exceeded_percent', 0.5],
      ['key.budget.exceeded_percent', 101],
      ['key.budget.exceeded_percent', '50.001'],
      ['org.balance.below_absolute', 0],
      ['org.balance.below_absolute', -5],
      ['org.balance.below_absolute', '1.0000001'],
      ['org.balance.below_absolute', '1e3'],
      ['org.balance.below_absolute', 'ten'],
      ['org.balance.below_absolute', 2_000_000_000],
    ] as const) {
      const result = parse({ type, threshold });
      expect(result.success, `${type} ${threshold}`).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['threshold']);
    }
  });

  it('lets key_id and group_id narrow only the types they make sense for', () => {
    expect(parse({ type: 'org.balance.below_absolute', threshold: 5, group_id: 'g' }).error?.issues[0]?.path).toEqual(['group_id']);
    expect(parse({ type: 'group.budget.exceeded_percent', threshold: 5, key_id: 'k' }).error?.issues[0]?.path).toEqual(['key_id']);
    expect(parse({ type: 'user.budget.exceeded_absolute', threshold: 5, group_id: 'g' }).success).toBe(true);
    expect(parse({ type: 'user.budget.exceeded_percent', threshold: 5 }).success).toBe(false);
    expect(parse({ type: 'key.budget.exceeded_percent', threshold: 5, colour: 'red' }).success).toBe(false);
  });
});

describe('decimal amounts', () => {
  it('write micro-dollars and basis points exactly, as Requesty writes them', () => {
    expect(dollarsText(100_000_000)).toBe('100');
    expect(dollarsText(87_500_000, { minDecimals: 2 })).toBe('87.50');
    expect(dollarsText(1, { minDecimals: 2 })).toBe('0.000001');
    expect(dollarsText(12_340_000)).toBe('12.34');
    expect(dollarsText(0, { minDecimals: 2 })).toBe('0.00');
    expect(fractionText(8_000)).toBe('0.8');
    expect(fractionText(7_550)).toBe('0.755');
    expect(fractionText(10_000)).toBe('1');
    expect(percentText(7_550)).toBe('75.5');
  });
});
