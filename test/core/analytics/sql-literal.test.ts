import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { likePattern, sqlColumn, sqlInteger, sqlString } from '../../../lambdas/core/analytics/sql-literal.js';

describe('SQL literals', () => {
  it('quote a string with its quotes doubled and nothing else changed', () => {
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlString("'; DROP TABLE requests; --")).toBe("'''; DROP TABLE requests; --'");
    // Neither Trino nor DuckDB reads backslash escapes in a plain literal: a backslash stays one.
    expect(sqlString("\\'")).toBe("'\\'''");
    expect(sqlString('"model" /* x */ \n')).toBe("'\"model\" /* x */ \n'");
  });

  it('always make one literal, whatever the value: a quote never ends it early', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((value) => !value.includes('\0')), (value) => {
        const literal = sqlString(value);
        const inner = literal.slice(1, -1);
        expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
        // Every quote inside comes in a pair, so the literal closes only at its last character.
        expect(inner.replaceAll("''", '')).not.toContain("'");
        expect(inner.replaceAll("''", "'")).toBe(value);
      }),
    );
  });

  it('refuse what cannot survive as UTF-8 text: NUL and lone surrogates', () => {
    expect(() => sqlString('a\0b')).toThrow(/NUL/);
    expect(() => sqlString('\ud83d')).toThrow(/well-formed/);
    expect(() => sqlString('\ude00x')).toThrow(/well-formed/);
    expect(sqlString('\ud83d\ude00')).toBe("'\ud83d\ude00'");
  });

  it('turn * into LIKE wildcards and make % and _ match themselves', () => {
    expect(likePattern('*@company.com')).toBe("'%@company.com'");
    expect(likePattern('anthropic/*')).toBe("'anthropic/%'");
    expect(likePattern('50%_off\\*')).toBe("'50\\%\\_off\\\\%'");
    expect(likePattern("o'*")).toBe("'o''%'");
  });

  it('write only the compiler’s own column names and integers', () => {
    expect(sqlColumn('cost_micros')).toBe('"cost_micros"');
    expect(() => sqlColumn('cost"; --')).toThrow();
    expect(() => sqlColumn('Model')).toThrow();
    expect(sqlInteger(500)).toBe('500');
    expect(() => sqlInteger(1.5)).toThrow();
    expect(() => sqlInteger(Number.NaN)).toThrow();
  });
});
