import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../lambdas/core/errors.js';
import { anthropicMessagesRequestSchema } from '../../../lambdas/core/schemas/anthropic-messages-request.js';
import { chatCompletionRequestSchema } from '../../../lambdas/core/schemas/openai-chat-request.js';
import { embeddingsRequestSchema } from '../../../lambdas/core/schemas/openai-embeddings.js';
import { policySchema } from '../../../lambdas/core/routing/policy-schema.js';
import { parseBody } from '../../../lambdas/gateway/parse-body.js';

const chat = (fields: Record<string, unknown>) =>
  JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], ...fields });

/** The 400 parseBody throws for a body, as `{param, message}`; undefined when the body is accepted. */
function refusal(body: string, schema: Parameters<typeof parseBody>[1] = chatCompletionRequestSchema) {
  try {
    parseBody(body, schema);
    return undefined;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    return { param: error.param, message: error.message };
  }
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('the requesty extension at the edge', () => {
  it("accepts what Requesty's request-metadata page sends", () => {
    const requesty = {
      tags: ['workflow-a', 'product-page'],
      user_id: 'user_1234',
      trace_id: 'session_abc123',
      extra: { country: 'canada', prompt_title: 'product description generator', tier: 'premium', run: 7, beta: true, cohort: null },
      auto_cache: true,
      // Fields this gateway does not know are kept for forward compatibility (Requesty's cost-tracking page shows `metadata`).
      metadata: { feature: 'chatbot' },
    };
    expect(refusal(chat({ requesty }))).toBeUndefined();
    expect(parseBody(chat({ requesty }), chatCompletionRequestSchema).requesty?.extra).toEqual(requesty.extra);
  });

  it('refuses an empty extra field name, naming the field', () => {
    expect(refusal(chat({ requesty: { extra: { '': 'x' } } }))).toEqual({
      param: 'requesty.extra.',
      message: 'Invalid value for requesty.extra.: a field name must not be empty.',
    });
  });

  it('refuses nested extra values, however deep, naming the field', () => {
    expect(refusal(chat({ requesty: { extra: { team: { name: 'search' } } } }))).toMatchObject({ param: 'requesty.extra.team' });
    expect(refusal(chat({ requesty: { extra: { team: ['search'] } } }))?.message).toMatch(/string, number, boolean or null/);
    // Deeper than JSON.stringify can go without overflowing the stack: refused before anything walks into it.
    const deep = `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"requesty":{"extra":{"deep":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}}}`;
    expect(refusal(deep)?.message).toMatch(/nests arrays and objects deeper than/);
    expect(refusal(chat({ requesty: { extra: nested(5) } }))).toMatchObject({ param: 'requesty.extra.a' });
  });

  it('bounds extra: number of fields, name and value length, printable names', () => {
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
    expect(refusal(chat({ requesty: { extra: fields(20) } }))).toBeUndefined();
    expect(refusal(chat({ requesty: { extra: fields(21) } }))).toMatchObject({ param: 'requesty.extra', message: expect.stringMatching(/at most 20 fields/) });
    expect(refusal(chat({ requesty: { extra: { ['n'.repeat(64)]: 'x' } } }))).toBeUndefined();
    expect(refusal(chat({ requesty: { extra: { ['n'.repeat(65)]: 'x' } } }))).toMatchObject({
      // Too long to echo as a param: quoted, cut short, in the message.
      param: 'requesty.extra',
      message: expect.stringMatching(/^Invalid value for requesty\.extra: the field "n{40}…": a field name is at most 64 characters\.$/),
    });
    expect(refusal(chat({ requesty: { extra: { 'a\u0000b': 'x' } } }))).toMatchObject({ param: 'requesty.extra', message: expect.stringContaining('"a\ufffdb"') });
    expect(refusal(chat({ requesty: { extra: { 'line\u2028break': 'x' } } }))).toMatchObject({ param: 'requesty.extra' });
    expect(refusal(chat({ requesty: { extra: { v: 'x'.repeat(256) } } }))).toBeUndefined();
    expect(refusal(chat({ requesty: { extra: { v: 'x'.repeat(257) } } }))).toMatchObject({ param: 'requesty.extra.v', message: expect.stringMatching(/at most 256 characters/) });
    expect(refusal(`{"model":"m/x","messages":[{"role":"user","content":"Hi"}],"requesty":{"extra":{"v":"\\ud800"}}}`)).toMatchObject({ param: 'requesty.extra.v' });
  });

  it('bounds tags, user_id and trace_id', () => {
    expect(refusal(chat({ requesty: { tags: Array.from({ length: 20 }, (_, i) => `t${i}`) } }))).toBeUndefined();
    expect(refusal(chat({ requesty: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }))).toMatchObject({ param: 'requesty.tags' });
    expect(refusal(chat({ requesty: { tags: ['ok', ''] } }))).toMatchObject({ param: 'requesty.tags[1]', message: expect.stringMatching(/must not be empty/) });
    expect(refusal(chat({ requesty: { tags: ['t'.repeat(65)] } }))).toMatchObject({ param: 'requesty.tags[0]' });
    expect(refusal(chat({ requesty: { tags: ['a\tb'] } }))).toMatchObject({ param: 'requesty.tags[0]' });
    expect(refusal(chat({ requesty: { user_id: 'u'.repeat(256), trace_id: 't'.repeat(256) } }))).toBeUndefined();
    expect(refusal(chat({ requesty: { user_id: 'u'.repeat(257) } }))).toMatchObject({ param: 'requesty.user_id' });
    expect(refusal(chat({ requesty: { trace_id: 'a\r\nb' } }))).toMatchObject({ param: 'requesty.trace_id' });
    expect(refusal(chat({ requesty: { user_id: 42 } }))).toMatchObject({ param: 'requesty.user_id' });
  });

  it('applies the same bounds on the messages and embeddings routes', () => {
    const messages = JSON.stringify({ model: 'anthropic/claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], requesty: { extra: { '': 'x' } } });
    expect(refusal(messages, anthropicMessagesRequestSchema)).toMatchObject({ param: 'requesty.extra.' });
    const embeddings = JSON.stringify({ model: 'mock/embed', input: 'hi', requesty: { extra: { deep: nested(3) } } });
    expect(refusal(embeddings, embeddingsRequestSchema)).toMatchObject({ param: 'requesty.extra.deep' });
  });
});

describe('model ids at the edge', () => {
  it('accepts every form of model id, up to 256 characters', () => {
    for (const model of ['openai/gpt-4o-mini', 'policy/resilient', 'bedrock/claude-sonnet-4-5@eu-central-1', 'bedrock/amazon.titan-embed-text-v2:0', `openai/${'m'.repeat(249)}`]) {
      expect(refusal(chat({ model })), model).toBeUndefined();
    }
  });

  it('refuses long ids and ids with spaces, control or non-ASCII characters, naming model', () => {
    for (const model of [`openai/${'m'.repeat(250)}`, 'openai/gpt 4o', 'openai/gpt-4o\r\nx-injected: 1', 'openai/gpt-4o\u0000', 'openai/gpt-4ö', '']) {
      expect(refusal(chat({ model })), JSON.stringify(model)).toMatchObject({ param: 'model' });
    }
    expect(refusal(JSON.stringify({ model: 'mock/embed\n', input: 'x' }), embeddingsRequestSchema)).toMatchObject({ param: 'model' });
    expect(refusal(JSON.stringify({ model: 'x'.repeat(300), max_tokens: 1, messages: [{ role: 'user', content: 'Hi' }] }), anthropicMessagesRequestSchema)).toMatchObject({
      param: 'model',
      message: 'Invalid value for model: a model id is at most 256 characters.',
    });
  });
});

describe('model ids in policies', () => {
  it('are bounded as a request’s model is', () => {
    const fallback = (model: string) => policySchema.safeParse({ name: 'p', type: 'fallback', models: [{ model }] });
    expect(fallback('openai/gpt-4o-mini').success).toBe(true);
    for (const model of [`openai/${'m'.repeat(250)}`, 'openai/gpt-4o\u0000', 'openai/gpt-4ö']) {
      expect(fallback(model).error?.issues[0]?.path, JSON.stringify(model)).toEqual(['models', 0, 'model']);
    }
  });
});
