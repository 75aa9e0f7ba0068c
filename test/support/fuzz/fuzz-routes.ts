import fc from 'fast-check';
import type { FormPart } from './fuzz-multipart.js';
import type { FuzzValue } from './fuzz-values.js';

/**
 * Every public route with a valid body for it: the fuzzer starts from these and breaks them.
 * Ids of things that exist are placeholders, filled in when a request is sent (the fixtures
 * are recreated as the fuzzer deletes them).
 */
export const fixture = {
  key: '@@KEY_ID@@',
  group: '@@GROUP_ID@@',
  member: 'fuzz-member',
  policy: 'fuzz-fallback',
  webhook: '@@WEBHOOK_ID@@',
  /** A webhook whose host name resolved to a public address when it was saved, and to an internal one since. */
  rebindingWebhook: '@@REBINDING_WEBHOOK_ID@@',
} as const;

export interface FuzzRoute {
  method: string;
  /** `:name` segments take a fixture's id or a generated one. */
  path: string;
  /** Which key the route wants; the fuzzer also sends the other one, a wrong one and none. */
  auth: 'api' | 'management' | 'none';
  body?: fc.Arbitrary<FuzzValue>;
  /** A multipart/form-data route's valid form, in place of a JSON body. */
  form?: fc.Arbitrary<FormPart[]>;
  query?: fc.Arbitrary<string>;
}

/** Served offline: the mock provider, and real providers pointed at local mock upstreams. */
const chatModels = [
  'mock/echo',
  'mock/lorem',
  'mock/lorem-3',
  'mock/fail-400',
  'mock/fail-404',
  'mock/fail-429',
  'mock/nope',
  `policy/${fixture.policy}`,
  'policy/no-such-policy',
  'openai/gpt-4o-mini',
  'anthropic/claude-haiku-4-5',
  'google/gemini-2.5-flash',
  'unknown/model',
  'no-slash',
];
const embeddingModels = ['mock/embed', 'openai/text-embedding-3-small', 'google/gemini-embedding-001', 'mock/echo', 'mock/nope'];
/** Models a policy may name without making requests slow: no retried failures (they back off for seconds). */
const policyModels = ['mock/echo', 'mock/lorem-3', 'mock/fail-400', 'mock/fail-404', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'nope/x'];

const text = fc.oneof(fc.constantFrom('Hello!', 'Count to three.', ''), fc.string({ maxLength: 30 }));
const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/);
const dollars = fc.oneof(fc.constant(null), fc.double({ min: 0, max: 1000, noNaN: true }), fc.constantFrom(0, 0.01, 5));
const isoTime = fc.oneof(
  fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2099-01-01T00:00:00Z', '2026-13-45T99:99:99Z', 'yesterday'),
);

/** Within the bounds the edge enforces for `requesty`; mutations take it out of them. */
const requesty = fc.record(
  {
    tags: fc.array(name, { maxLength: 3 }),
    user_id: name,
    trace_id: fc.uuid(),
    auto_cache: fc.boolean(),
    extra: fc.dictionary(name, fc.oneof(fc.string({ maxLength: 32 }), fc.integer(), fc.boolean()), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const chatBody = fc.record(
  {
    model: fc.constantFrom(...chatModels),
    messages: fc.array(
      fc.oneof(
        fc.record({ role: fc.constant('user'), content: text }),
        fc.record({ role: fc.constant('system'), content: text }),
        fc.record({ role: fc.constant('assistant'), content: text }),
        fc.record({ role: fc.constant('user'), content: fc.array(fc.record({ type: fc.constant('text'), text }), { minLength: 1, maxLength: 2 }) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    temperature: fc.double({ min: 0, max: 1, noNaN: true }),
    n: fc.constant(1),
    tools: fc.constant<FuzzValue>([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]),
    tool_choice: fc.constantFrom('auto', 'none'),
    requesty,
  },
  { requiredKeys: ['model', 'messages'] },
);

const messagesBody = fc.record(
  {
    model: fc.constantFrom(...chatModels),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    messages: fc.array(
      fc.oneof(
        fc.record({ role: fc.constantFrom('user', 'assistant'), content: text }),
        fc.record({ role: fc.constant('user'), content: fc.array(fc.record({ type: fc.constant('text'), text }), { minLength: 1, maxLength: 2 }) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    system: text,
    stream: fc.boolean(),
    temperature: fc.double({ min: 0, max: 1, noNaN: true }),
    stop_sequences: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    tools: fc.constant<FuzzValue>([{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }]),
    metadata: fc.record({ user_id: name }),
    requesty,
  },
  { requiredKeys: ['model', 'max_tokens', 'messages'] },
);

const embeddingsBody = fc.record(
  {
    model: fc.constantFrom(...embeddingModels),
    input: fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(fc.nat({ max: 50_000 }), { minLength: 1, maxLength: 5 })),
    dimensions: fc.integer({ min: 1, max: 64 }),
    encoding_format: fc.constantFrom('float', 'base64'),
    requesty,
  },
  { requiredKeys: ['model', 'input'] },
);

const responsesBody = fc.record(
  {
    model: fc.constantFrom(...chatModels),
    input: fc.oneof(
      text,
      fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'developer'), content: text }), { minLength: 1, maxLength: 3 }),
      fc.constant<FuzzValue>([
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ]),
    ),
    instructions: text,
    stream: fc.boolean(),
    max_output_tokens: fc.integer({ min: 1, max: 64 }),
    tools: fc.constant<FuzzValue>([{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]),
    reasoning: fc.record({ effort: fc.constantFrom('low', 'medium', 'high') }),
    requesty,
  },
  { requiredKeys: ['model', 'input'] },
);

const imagesBody = fc.record(
  {
    model: fc.constantFrom('openai/gpt-image-1', 'openai/dall-e-3', 'google/gemini-2.5-flash-image', 'mock/echo', 'nope/x'),
    prompt: text,
    n: fc.integer({ min: 1, max: 3 }),
    size: fc.constantFrom('1024x1024', '1536x1024', 'auto', '7x7'),
    response_format: fc.constantFrom('b64_json', 'url'),
    requesty,
  },
  { requiredKeys: ['model', 'prompt'] },
);

/** Speech-to-text models: OpenAI's and Groq's served by the mock upstream, and ones that are refused. */
const transcriptionModels = [
  'openai/whisper-1',
  'openai/gpt-4o-transcribe',
  'openai/gpt-4o-mini-transcribe',
  'groq/whisper-large-v3',
  'groq/whisper-large-v3-turbo',
  'openai/new-transcriber',
  'openai/error-400',
  'mock/echo',
  'anthropic/claude-haiku-4-5',
  'nope/x',
];
const audio = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2_048 }).map((bytes) => Buffer.from(bytes)),
  // An MP3 frame header, and 32 kB that are not UTF-8 (as test/e2e/audio-transcriptions.test.ts sends).
  fc.constantFrom(Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(32_000, 0xff)),
);
/** A form as the OpenAI SDK sends it: the file with its name and type, the model, optional fields. */
const transcriptionForm = fc
  .record(
    {
      file: fc.record({ filename: fc.constantFrom('speech.mp3', 'audio.wav', 'voice memo.m4a', 'é.ogg'), type: fc.constantFrom('audio/mpeg', 'audio/wav', 'application/octet-stream'), data: audio }),
      model: fc.constantFrom(...transcriptionModels),
      language: fc.constantFrom('en', 'fr', 'de'),
      prompt: text,
      response_format: fc.constantFrom('json', 'verbose_json', 'text', 'srt', 'vtt'),
      temperature: fc.constantFrom('0', '0.2', '1'),
      granularities: fc.subarray(['word', 'segment'], { minLength: 1 }),
      fileLast: fc.boolean(),
    },
    { requiredKeys: ['file', 'model', 'fileLast'] },
  )
  .map(({ file, granularities, fileLast, ...fields }): FormPart[] => {
    const field = (name: string, value: string): FormPart => ({ name, data: Buffer.from(value) });
    const parts = [
      ...Object.entries(fields).map(([name, value]) => field(name, value)),
      ...(granularities ?? []).map((value) => field('timestamp_granularities[]', value)),
    ];
    const filePart: FormPart = { name: 'file', ...file };
    return fileLast ? [...parts, filePart] : [filePart, ...parts];
  });

/** Public addresses, as literals: the fuzzer makes no host names, so that nothing is looked up outside this machine. */
const publicHosts = ['1.1.1.1', '8.8.8.8', '93.184.215.14', '[2606:4700:4700::1111]', '[2a00:1450:4001:82b::200e]'];
/**
 * Hosts a webhook must not reach where loopback is forbidden (the stacks), spelled the ways SSRF
 * attempts spell them: other notations of loopback and of the metadata endpoint, private and
 * link-local ranges, IPv6 forms embedding them, IDN look-alikes, and user-info tricks.
 */
const forbiddenHosts = [
  '127.0.0.1',
  '127.1',
  '0x7f.1',
  '0x7f000001',
  '2130706433',
  '017700000001',
  '0177.0.0.1',
  '127.0.0.1.',
  'localhost',
  'LOCALHOST.',
  'ⓛⓞⓒⓐⓛⓗⓞⓢⓣ',
  '１２７.０.０.１',
  '127。0。0。1',
  '[::1]',
  '[0:0:0:0:0:0:0:1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::127.0.0.1]',
  '[64:ff9b::127.0.0.1]',
  '[2002:7f00:1::]',
  '169.254.169.254',
  '0xa9fea9fe',
  '2852039166',
  '[::ffff:169.254.169.254]',
  '[::ffff:a9fe:a9fe]',
  '[fd00:ec2::254]',
  '169.254.170.2',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.1.1',
  '100.64.0.1',
  '0.0.0.0',
  '0',
  '[::]',
  '[fe80::1]',
  '[fe80::1%25eth0]',
  '[fc00::1]',
  '224.0.0.1',
  '255.255.255.255',
  'good@127.0.0.1',
  '1.1.1.1@127.0.0.1',
  'user:pass@1.1.1.1',
  '127.0.0.1%2f@1.1.1.1',
  '127.0.0.1#@1.1.1.1',
  '1.1.1.1\\@127.0.0.1',
];
const webhookUrl = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...publicHosts), fc.constantFrom('', ':443', ':8443'), fc.constantFrom('/', '/hooks/switchboard', '/a?b=1', ''))
      .map(([host, port, path]) => `https://${host}${port}${path}`),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('https', 'http', 'HTTPS'), fc.constantFrom(...forbiddenHosts), fc.constantFrom('', ':80', ':6379', ':0', ':65536'), fc.constantFrom('/', '/latest/meta-data/', ''))
      .map(([scheme, host, port, path]) => `${scheme}://${host}${port}${path}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'http://1.1.1.1/',
      'ftp://1.1.1.1/',
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_INFO',
      'javascript:alert(1)',
      'data:text/plain,hello',
      'ws://1.1.1.1/',
      'https:1.1.1.1',
      '//1.1.1.1/hook',
      '1.1.1.1',
      'https://',
      'https://[::1',
      'https://1.1.1.1:99999/',
      ' https://1.1.1.1/ ',
      'https://1.1.1.1/\u0000',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(2_047, 2_048, 2_049, 100_000).map((length) => `https://1.1.1.1/${'a'.repeat(length - 'https://1.1.1.1/'.length)}`) },
);
const webhookBody = fc.record({ url: webhookUrl, type: fc.constantFrom('json', 'slack'), description: text }, { requiredKeys: ['url'] });

const analyticsBody = fc.record(
  {
    start: isoTime,
    end: isoTime,
    metrics: fc.subarray(['requests', 'cost', 'latency_p95', 'error_rate', 'share', 'tool_calls', 'projected_month_end_cost'], { minLength: 1 }),
    group_by: fc.subarray(['model', 'provider', 'api_key', 'user', 'tag', 'tool', 'extra.team', 'feedback.rating']),
    filters: fc.dictionary(fc.constantFrom('model', 'user', 'extra.team'), fc.array(fc.oneof(name, fc.constant('*'), fc.constant(null)), { maxLength: 2 }), { maxKeys: 2 }),
    resolution: fc.constantFrom('hour', 'day', 'week', 'month'),
    format: fc.constantFrom('json', 'csv'),
  },
  { requiredKeys: ['start', 'end', 'metrics'] },
);

const policyBody = fc.oneof(
  fc.record({
    name: fc.oneof(name, fc.constant(fixture.policy)),
    type: fc.constant('fallback'),
    models: fc.array(fc.record({ model: fc.constantFrom(...policyModels), retries: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    name,
    type: fc.constant('load_balancing'),
    models: fc.constantFrom<FuzzValue>([{ model: 'mock/echo', weight: 60 }, { model: 'mock/lorem-3', weight: 40 }], [{ model: 'mock/echo', weight: 100 }]),
  }),
  fc.record({ name, type: fc.constant('latency'), models: fc.array(fc.record({ model: fc.constantFrom(...policyModels) }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ name, type: fc.constant('fallback'), models: fc.constant<FuzzValue>([{ model: 'mock/echo' }]), api_key_id: fc.constant(fixture.key) }),
);

const modelList = fc.array(fc.constantFrom('mock/echo', 'mock/*', 'openai/gpt-4o-mini', 'anthropic/*', 'nope/x'), { maxLength: 3 });
const labels = fc.dictionary(name, fc.string({ maxLength: 20 }), { maxKeys: 3 });
const usageBody = fc.record(
  {
    start: isoTime,
    end: isoTime,
    resolution: fc.constantFrom('hour', 'day', 'week', 'month'),
    group_by: fc.array(fc.constantFrom('model', 'model_served', 'model_requested', 'provider', 'api_key', 'user', 'extra.team', 'extra.'), { maxLength: 3 }),
  },
  { requiredKeys: ['start', 'end'] },
);
/** The same options as a query string (no body). */
const usageQuery = usageBody.map((options) => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) query.set(name, Array.isArray(value) ? value.join(',') : String(value));
  return `?${query}`;
});
const feedbackBody = fc.record({
  data: fc.dictionary(name, fc.oneof(fc.string({ maxLength: 32 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(name, { maxLength: 3 })), {
    minKeys: 1,
    maxKeys: 4,
  }),
});
const listQuery = fc.oneof(
  fc.constant(''),
  fc.integer({ min: -5, max: 200 }).map((limit) => `?limit=${limit}`),
  fc.constantFrom('?limit=abc', '?limit=1e3', '?limit=', '?cursor=', '?limit=2&limit=3'),
);
const policyScopeQuery = fc.oneof(fc.constant(''), fc.constant(`?api_key_id=${fixture.key}`), fc.constantFrom('?api_key_id=', '?api_key_id=key_nope'));

const chatRoutes: FuzzRoute[] = [
  { method: 'POST', path: '/v1/chat/completions', auth: 'api', body: chatBody },
  { method: 'POST', path: '/v1/messages', auth: 'api', body: messagesBody },
  { method: 'POST', path: '/v1/embeddings', auth: 'api', body: embeddingsBody },
  { method: 'POST', path: '/v1/responses', auth: 'api', body: responsesBody },
  { method: 'POST', path: '/v1/images/generations', auth: 'api', body: imagesBody },
  { method: 'POST', path: '/v1/audio/transcriptions', auth: 'api', form: transcriptionForm },
  { method: 'GET', path: '/v1/models', auth: 'api' },
  { method: 'GET', path: '/v1/models/:model', auth: 'api' },
  { method: 'POST', path: '/v1/feedback/:request', auth: 'api', body: feedbackBody },
  { method: 'POST', path: '/feedback/:request', auth: 'api', body: feedbackBody },
  { method: 'GET', path: '/healthz', auth: 'none' },
];

const keyRoutes: FuzzRoute[] = [
  { method: 'GET', path: '/v1/manage/apikey', auth: 'management', query: listQuery },
  {
    method: 'POST',
    path: '/v1/manage/apikey',
    auth: 'management',
    body: fc.record(
      { name, monthly_limit: dollars, group_id: fc.oneof(fc.constant(fixture.group), fc.constant(null)), labels, expires_at: fc.oneof(isoTime, fc.constant(null)) },
      { requiredKeys: ['name'] },
    ),
  },
  { method: 'GET', path: '/v1/manage/apikey/:key', auth: 'management' },
  { method: 'DELETE', path: '/v1/manage/apikey/:key', auth: 'management' },
  { method: 'POST', path: '/v1/manage/apikey/:key/usage', auth: 'management', body: usageBody },
  { method: 'GET', path: '/v1/manage/apikey/:key/usage', auth: 'management', body: usageBody },
  { method: 'GET', path: '/v1/manage/apikey/:key/usage', auth: 'management', query: usageQuery },
  { method: 'POST', path: '/v1/manage/apikey/:key/limit', auth: 'management', body: fc.record({ monthly_limit: dollars }) },
  { method: 'POST', path: '/v1/manage/apikey/:key/labels', auth: 'management', body: fc.record({ labels }) },
  { method: 'POST', path: '/v1/manage/apikey/:key/expiry', auth: 'management', body: fc.record({ expires_at: fc.oneof(isoTime, fc.constant(null)) }) },
  { method: 'POST', path: '/v1/manage/apikey/:key/group', auth: 'management', body: fc.record({ group_id: fc.oneof(fc.constant(fixture.group), fc.constant(null)) }) },
  { method: 'POST', path: '/v1/manage/apikey/:key/disable', auth: 'management' },
  { method: 'POST', path: '/v1/manage/apikey/:key/enable', auth: 'management' },
];

const groupRoutes: FuzzRoute[] = [
  { method: 'GET', path: '/v1/manage/group', auth: 'management', query: listQuery },
  {
    method: 'POST',
    path: '/v1/manage/group',
    auth: 'management',
    body: fc.record({ name, description: text, monthly_limit: dollars, models: modelList }, { requiredKeys: ['name'] }),
  },
  { method: 'GET', path: '/v1/manage/group/:group', auth: 'management' },
  { method: 'POST', path: '/v1/manage/group/:group', auth: 'management', body: fc.record({ name, description: text }, { requiredKeys: [] }) },
  { method: 'DELETE', path: '/v1/manage/group/:group', auth: 'management' },
  { method: 'POST', path: '/v1/manage/group/:group/limit', auth: 'management', body: fc.record({ monthly_limit: dollars }) },
  { method: 'POST', path: '/v1/manage/group/:group/models', auth: 'management', body: fc.record({ models: modelList }) },
  {
    method: 'POST',
    path: '/v1/manage/group/:group/member',
    auth: 'management',
    body: fc.record({ user_id: fc.oneof(name, fc.constant(fixture.member)), role: fc.constantFrom('admin', 'member') }, { requiredKeys: ['user_id'] }),
  },
  { method: 'POST', path: '/v1/manage/group/:group/member/:member', auth: 'management', body: fc.record({ role: fc.constantFrom('admin', 'member') }) },
  { method: 'DELETE', path: '/v1/manage/group/:group/member/:member', auth: 'management' },
];

const orgAndPolicyRoutes: FuzzRoute[] = [
  { method: 'GET', path: '/v1/manage/org', auth: 'management' },
  { method: 'POST', path: '/v1/manage/analytics', auth: 'management', body: analyticsBody },
  {
    method: 'POST',
    path: '/v1/manage/org',
    auth: 'management',
    body: fc.record({ name, monthly_limit: dollars, default_key_limit: dollars, balance: dollars }, { requiredKeys: [] }),
  },
  { method: 'GET', path: '/v1/manage/org/approved-models', auth: 'management' },
  { method: 'POST', path: '/v1/manage/org/approved-models', auth: 'management', body: fc.record({ models: fc.oneof(fc.constant(null), modelList) }) },
  { method: 'GET', path: '/v1/manage/policy', auth: 'management', query: listQuery },
  { method: 'POST', path: '/v1/manage/policy', auth: 'management', body: policyBody },
  { method: 'GET', path: '/v1/manage/policy/:policy', auth: 'management', query: policyScopeQuery },
  { method: 'PUT', path: '/v1/manage/policy/:policy', auth: 'management', body: policyBody },
  { method: 'DELETE', path: '/v1/manage/policy/:policy', auth: 'management', query: policyScopeQuery },
];

/** The test send delivers: the fuzz gateway's network fence keeps its deliveries on this machine. */
const webhookRoutes: FuzzRoute[] = [
  { method: 'GET', path: '/v1/manage/webhook', auth: 'management' },
  { method: 'POST', path: '/v1/manage/webhook', auth: 'management', body: webhookBody },
  { method: 'DELETE', path: '/v1/manage/webhook/:webhook', auth: 'management' },
  { method: 'POST', path: '/v1/manage/webhook/:webhook/test', auth: 'management' },
  { method: 'POST', path: '/v1/manage/webhook/:webhook/replay', auth: 'management' },
];

/** Weighted up: webhook creation for its URL checks, the test send for its deliveries. */
const managementWeights: Readonly<Record<string, number>> = { '/v1/manage/webhook': 4, '/v1/manage/webhook/:webhook/test': 2 };

/** Chat routes are weighted up: they carry the most logic. */
export const fuzzRoutes: ReadonlyArray<{ weight: number; route: FuzzRoute }> = [
  ...chatRoutes.map((route) => ({ weight: route.body || route.form ? 12 : 2, route })),
  ...[...keyRoutes, ...groupRoutes, ...orgAndPolicyRoutes, ...webhookRoutes].map((route) => ({ weight: route.method === 'POST' ? (managementWeights[route.path] ?? 1) : 1, route })),
];
