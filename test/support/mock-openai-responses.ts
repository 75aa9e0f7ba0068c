import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the mock's responses report: 20 input tokens (8 cached), 6 output (2 of them reasoning). */
export const responsesUsage = { input_tokens: 20, input_tokens_details: { cached_tokens: 8 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 26 };
export const responsesReply = 'Hello from Responses!';
/** A field OpenAI may add one day, which the gateway must pass on unread. */
export const upstreamExtra = { x_upstream_note: { kept: true } };

/**
 * OpenAI's Responses API (POST /v1/responses) as a stream of its typed SSE events
 * (https://platform.openai.com/docs/api-reference/responses-streaming), keeping the responses it
 * made, so `previous_response_id` works as OpenAI's does. The request's `model` picks the behaviour:
 * - anything else: the reply in three text deltas, or, when tools are offered and the input holds
 *   no function_call_output, a call of the first tool; when a web search tool is offered, the
 *   reply after `webSearchCalls.length` web_search_call items (`billedWebSearches` of them searches);
 * - `upstream-note`: the reply, with an event of a type the gateway does not know before the end;
 * - `truncated`: the stream stops after the first delta, without a terminal event;
 * - `stream-error`: after the first delta, an `error` event quoting the credential it was sent;
 * - `incomplete`: the reply cut by max_output_tokens (`response.incomplete`);
 * - `error-before-output`: an `error` event right after `response.in_progress`, before any
 *   output, quoting the credential it was sent;
 * - `failed`: after the first delta, a `response.failed` whose error quotes the credential it was sent;
 * - `pause`: the reply, silent for `pauseMs` after its first delta.
 * An input text containing `behave:<name>` makes any model (a priced one, say) behave as `<name>`.
 * An unknown previous_response_id is a 400, as OpenAI answers it.
 */
/** What the mock's web search does before it answers: two searches and a page opened, of which OpenAI bills the searches. */
export const webSearchCalls = [
  { type: 'search', query: 'weather Paris', sources: [{ type: 'url', url: 'https://weather.example/paris' }] },
  { type: 'open_page', url: 'https://weather.example/paris' },
  { type: 'search', query: 'weather Paris tomorrow' },
];
export const billedWebSearches = 2;

export class MockResponsesApi {
  readonly stored = new Map<string, Record<string, unknown>>();
  private next = 0;

  constructor(private readonly pauseMs = 1_000) {}

  async answer(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const model = (typeof body.input === 'string' ? /behave:(\S+)/.exec(body.input)?.[1] : undefined) ?? String(body.model);
    const previous = typeof body.previous_response_id === 'string' ? body.previous_response_id : null;
    if (previous && !this.stored.has(previous)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `Previous response with id '${previous}' not found.`, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' } }));
    }
    const id = `resp_mock_${++this.next}`;
    let sequence = 0;
    const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
    const response = (status: string, output: unknown[], usage: unknown) => ({
      id,
      object: 'response',
      created_at: 1_700_000_000,
      status,
      model,
      output,
      previous_response_id: previous,
      store: body.store ?? true,
      usage,
      tools: body.tools ?? [],
      ...upstreamExtra,
    });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(event('response.created', { response: response('in_progress', [], null) }));
    res.write(event('response.in_progress', { response: response('in_progress', [], null) }));
    if (model === 'error-before-output') {
      return void res.end(event('error', { code: 'server_error', message: `Failed before output while serving ${sentCredential(req)}.`, param: null }));
    }
    const tools = Array.isArray(body.tools) ? (body.tools as Array<{ type?: unknown }>) : [];
    const searches = tools.some((tool) => String(tool.type).startsWith('web_search')) ? streamSearches(res, event) : [];
    const calls = searches.length === 0 && tools.length > 0 && !answersCall(body.input);
    const output = calls ? this.streamCall(res, event) : await streamText(res, event, model, this.pauseMs, searches.length);
    if (!output) {
      if (model === 'stream-error') res.write(event('error', { code: 'server_error', message: `Failed while serving ${sentCredential(req)}.`, param: null }));
      if (model === 'failed') {
        const error = { code: 'server_error', message: `The model failed while serving ${sentCredential(req)}.` };
        res.write(event('response.failed', { response: { ...response('failed', [], null), error } }));
      }
      return void res.end();
    }
    if (model === 'upstream-note') res.write(event('response.upstream_note', { note: 'an event type the gateway does not know' }));
    const finished = response(model === 'incomplete' ? 'incomplete' : 'completed', [...searches, output], responsesUsage);
    this.stored.set(id, finished);
    if (model === 'incomplete') res.end(event('response.incomplete', { response: { ...finished, incomplete_details: { reason: 'max_output_tokens' } } }));
    else res.end(event('response.completed', { response: finished }));
  }

  private streamCall(res: ServerResponse, event: (type: string, data: Record<string, unknown>) => string): Record<string, unknown> {
    const item = { id: `fc_mock_${this.next}`, type: 'function_call', status: 'in_progress', arguments: '', call_id: `call_resp_${this.next}`, name: 'get_forecast' };
    const args = '{"city":"Paris"}';
    res.write(event('response.output_item.added', { output_index: 0, item }));
    for (const delta of [args.slice(0, 5), args.slice(5)]) res.write(event('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta }));
    res.write(event('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: args }));
    const done = { ...item, status: 'completed', arguments: args };
    res.write(event('response.output_item.done', { output_index: 0, item: done }));
    return done;
  }
}

/** The credential the request carried: OpenAI's bearer header, or Azure's api-key. */
function sentCredential(req: IncomingMessage): string {
  return String(req.headers.authorization ?? req.headers['api-key'] ?? '');
}

/** The web search calls, each as OpenAI streams one (https://platform.openai.com/docs/api-reference/responses-streaming/response/web_search_call). */
function streamSearches(res: ServerResponse, event: (type: string, data: Record<string, unknown>) => string): Array<Record<string, unknown>> {
  return webSearchCalls.map((action, index) => {
    const item = { id: `ws_mock_${index}`, type: 'web_search_call', status: 'in_progress' };
    const at = { item_id: item.id, output_index: index };
    res.write(event('response.output_item.added', { output_index: index, item }));
    for (const step of ['in_progress', 'searching', 'completed']) res.write(event(`response.web_search_call.${step}`, at));
    const done = { ...item, status: 'completed', action };
    res.write(event('response.output_item.done', { output_index: index, item: done }));
    return done;
  });
}

/** The reply in three deltas, as output item `index`; undefined when the model stops after the first. */
async function streamText(res: ServerResponse, event: (type: string, data: Record<string, unknown>) => string, model: string, pauseMs: number, index = 0): Promise<Record<string, unknown> | undefined> {
  const item = { id: 'msg_mock_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
  const at = { item_id: item.id, output_index: index, content_index: 0 };
  res.write(event('response.output_item.added', { output_index: index, item }));
  res.write(event('response.content_part.added', { ...at, part }));
  const deltas = ['Hello ', 'from ', 'Responses!'];
  for (const [index, delta] of deltas.entries()) {
    res.write(event('response.output_text.delta', { ...at, delta, logprobs: [], obfuscation: 'x'.repeat(index + 3) }));
    if (model === 'truncated' || model === 'stream-error' || model === 'failed') return undefined;
    if (model === 'pause' && index === 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  const text = deltas.join('');
  res.write(event('response.output_text.done', { ...at, text, logprobs: [] }));
  res.write(event('response.content_part.done', { ...at, part: { ...part, text } }));
  const done = { ...item, status: 'completed', content: [{ ...part, text }] };
  res.write(event('response.output_item.done', { output_index: index, item: done }));
  return done;
}

function answersCall(input: unknown): boolean {
  return Array.isArray(input) && input.some((item) => (item as { type?: unknown }).type === 'function_call_output');
}
