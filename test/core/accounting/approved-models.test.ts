import { describe, expect, it } from 'vitest';
import { isApproved } from '../../../lambdas/core/accounting/approved-models.js';

const group = { id: 'g', name: 'g', description: '', models: ['anthropic/*'], createdAt: 0 };

describe('approved models', () => {
  it('allows every model while the organisation has no list', () => {
    expect(isApproved('openai/gpt-4o', { org: { name: 'o' }, group: undefined })).toBe(true);
  });

  it("allows listed models, whole providers, a listed model's regions, and the group's extras", () => {
    const org = { name: 'o', approvedModels: ['openai/gpt-4o', 'mock/*', 'bedrock/amazon.nova-lite-v1:0'] };
    expect(isApproved('openai/gpt-4o', { org, group: undefined })).toBe(true);
    expect(isApproved('openai/gpt-4o-mini', { org, group: undefined })).toBe(false);
    expect(isApproved('mock/echo', { org, group: undefined })).toBe(true);
    expect(isApproved('mockery/echo', { org, group: undefined })).toBe(false);
    expect(isApproved('bedrock/amazon.nova-lite-v1:0@eu-central-1', { org, group: undefined })).toBe(true);
    expect(isApproved('anthropic/claude-sonnet-4-5', { org, group: undefined })).toBe(false);
    expect(isApproved('anthropic/claude-sonnet-4-5', { org, group })).toBe(true);
  });

  it('allows nothing when the organisation approved an empty list', () => {
    expect(isApproved('mock/echo', { org: { name: 'o', approvedModels: [] }, group: undefined })).toBe(false);
  });
});
