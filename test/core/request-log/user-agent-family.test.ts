import { describe, expect, it } from 'vitest';
import { userAgentFamily } from '../../../lambdas/core/request-log/user-agent-family.js';

describe('userAgentFamily', () => {
  it.each([
    ['OpenAI/Python 1.54.0', 'openai-python'],
    ['AsyncOpenAI/Python 1.54.0', 'openai-python'],
    ['OpenAI/JS 4.77.0', 'openai-node'],
    ['Anthropic/JS 0.40.1', 'anthropic-node'],
    ['claude-cli/2.0.14 (external, cli)', 'claude-code'],
    ['curl/8.5.0', 'curl'],
    ['Mozilla/5.0 (X11; Linux x86_64) Chrome/131', 'browser'],
    ['LangChain/0.3.1 (linux)', 'langchain'],
  ])('names %s as %s, without its version', (agent, family) => {
    expect(userAgentFamily(agent)).toBe(family);
  });

  it('has nothing for no agent, and "other" for one that names no product', () => {
    expect(userAgentFamily(undefined)).toBeNull();
    expect(userAgentFamily('   ')).toBeNull();
    expect(userAgentFamily('(compatible)')).toBe('other');
  });
});
