import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usageTags } from '../../../lambdas/core/accounting/usage-tags.js';

/** `{"a": {"a": ... }}`, `depth` levels: what overflowed the stack of the old JSON.stringify of values. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('usage tags', () => {
  it('keeps requesty.user_id and scalar extra fields as strings, bounded in number and length', () => {
    const extra = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, i]));
    const tags = usageTags({ user_id: 'ann', extra: { ...extra, long: 'x'.repeat(300) } });
    expect(tags.userId).toBe('ann');
    expect(Object.keys(tags.extra)).toHaveLength(20);
    expect(tags.extra.f3).toBe('3');
    expect(usageTags({ extra: { long: 'x'.repeat(300), yes: true, none: null } }).extra).toEqual({ long: 'x'.repeat(256), yes: 'true' });
    expect(usageTags(undefined)).toEqual({ extra: {} });
  });

  it('leaves out nested values however deep, without walking into them', () => {
    const deep = nested(100_000);
    expect(usageTags({ user_id: 'ann', extra: { deep, list: [[[1]]], team: 'search' } })).toEqual({ userId: 'ann', extra: { team: 'search' } });
    expect(usageTags({ extra: deep })).toEqual({ extra: {} });
  });

  it('never keeps an empty or unprintable field name, nor a broken surrogate pair', () => {
    const tags = usageTags({ user_id: `${'u'.repeat(255)}😀`, extra: { '': 'x', '\u0000': 'y', 'a\nb': 'z', v: `${'x'.repeat(255)}😀`, w: '\ud800' } });
    expect(tags).toEqual({ userId: 'u'.repeat(255), extra: { ab: 'z', v: 'x'.repeat(255), w: '\ufffd' } });
  });

  it('takes any value at all without throwing, and answers strings only', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true }), (anything) => {
        for (const input of [anything, { extra: anything }, { user_id: anything, extra: { field: anything } }]) {
          const tags = usageTags(input);
          expect(Object.values(tags.extra).every((value) => typeof value === 'string')).toBe(true);
          expect(Object.keys(tags.extra).every((name) => name.length > 0 && name.length <= 64)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
