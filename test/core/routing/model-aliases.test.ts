import { describe, expect, it } from 'vitest';
import { defaultAliasTarget, listedDefaultAliases, resolveModelAlias, withoutLongContext } from '../../../lambdas/core/routing/model-aliases.js';

describe('model aliases', () => {
  it('sends bare Claude names to anthropic/, dated ones to the catalogued undated model', () => {
    expect(resolveModelAlias('claude-sonnet-4-5', undefined)).toBe('anthropic/claude-sonnet-4-5');
    expect(resolveModelAlias('claude-haiku-4-5-20251001', undefined)).toBe('anthropic/claude-haiku-4-5');
    // Not catalogued undated: the dated name is what Anthropic knows.
    expect(defaultAliasTarget('claude-future-9-20300101')).toBe('anthropic/claude-future-9-20300101');
    expect(defaultAliasTarget('claude-3-5-sonnet-20241022')).toBe('anthropic/claude-3-5-sonnet');
  });

  it('drops the [1m] marker from bare and prefixed names', () => {
    expect(resolveModelAlias('claude-sonnet-4-5[1m]', undefined)).toBe('anthropic/claude-sonnet-4-5');
    expect(resolveModelAlias('anthropic/claude-opus-4-6[1m]', undefined)).toBe('anthropic/claude-opus-4-6');
    expect(withoutLongContext('claude-sonnet-4-5[1m]')).toEqual({ model: 'claude-sonnet-4-5', longContext: true });
  });

  it("prefers the organisation's alias, including over a default, and leaves provider ids alone", () => {
    const aliases = { 'claude-haiku-4-5-20251001': 'policy/background', fast: 'openai/gpt-4o-mini' };
    expect(resolveModelAlias('claude-haiku-4-5-20251001', aliases)).toBe('policy/background');
    expect(resolveModelAlias('fast', aliases)).toBe('openai/gpt-4o-mini');
    expect(resolveModelAlias('openai/gpt-4o', aliases)).toBe('openai/gpt-4o');
    expect(resolveModelAlias('gpt-4o', aliases)).toBe('gpt-4o');
    // Inherited object keys are not aliases.
    expect(resolveModelAlias('constructor', aliases)).toBe('constructor');
  });

  it('lists each catalogued Claude model under its bare name', () => {
    expect(listedDefaultAliases()).toMatchObject({ 'claude-sonnet-4-5': 'anthropic/claude-sonnet-4-5' });
  });
});
