import { unsupportedParameter } from '../../core/providers/message-parts.js';
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../core/schemas/openai-chat-request.js';
import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest } from '../../core/schemas/openai-responses-request.js';

type ToolCall = NonNullable<Extract<ChatMessage, { role: 'assistant' }>['tool_calls']>[number];

/**
 * Responses API request → the gateway's canonical (OpenAI chat) request, so /v1/responses
 * shares routing, policies and every provider that does not serve the Responses API itself. The
 * gateway keeps no conversation state: `previous_response_id`, `conversation`, `background` and
 * item references are refused with a 400 naming the field (only a model reached untranslated,
 * whose upstream keeps them, can serve them; or send the whole history in `input` instead). Reasoning items of earlier
 * turns are dropped: their encrypted content only means something to the model that wrote it.
 */
export function fromResponsesRequest(request: ResponsesRequest): ChatCompletionRequest {
  refuseStatefulFields(request);
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') messages.push({ role: 'user', content: request.input });
  else request.input.forEach((item, index) => addItem(messages, item, `input[${index}]`));
  if (messages.length === 0) throw unsupportedParameter('input', 'The input holds nothing to answer.');
  const format = request.text?.format;
  const effort = request.reasoning?.effort;
  return {
    model: request.model,
    messages,
    stream: request.stream === true,
    ...(request.max_output_tokens ? { max_completion_tokens: request.max_output_tokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { top_p: request.top_p } : {}),
    ...(request.tools?.length ? { tools: request.tools.map(toChatTool) } : {}),
    ...(request.tool_choice !== undefined ? { tool_choice: toolChoice(request.tool_choice) } : {}),
    ...(request.parallel_tool_calls != null ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
    ...(effort ? { reasoning_effort: effort } : {}),
    ...(format && format.type !== 'text'
      ? {
          response_format:
            format.type === 'json_schema'
              ? {
                  type: 'json_schema' as const,
                  json_schema: {
                    name: format.name,
                    schema: format.schema,
                    ...(format.description ? { description: format.description } : {}),
                    ...(format.strict != null ? { strict: format.strict } : {}),
                  },
                }
              : { type: 'json_object' as const },
        }
      : {}),
    ...(request.user ? { user: request.user } : {}),
    ...(request.requesty ? { requesty: request.requesty } : {}),
  };
}

const statelessHint = 'the gateway keeps no responses: send the whole conversation in `input` instead';
/** Why a stored-state field fails on this target, when another target of a policy might take it. */
const nativeOnly = 'only models whose provider keeps responses (OpenAI, Azure OpenAI) take it, and this model is reached through translation';

function refuseStatefulFields(request: ResponsesRequest): void {
  if (request.previous_response_id) throw unsupportedParameter('previous_response_id', `previous_response_id is not supported here: ${nativeOnly}; ${statelessHint}.`);
  if (request.conversation != null) throw unsupportedParameter('conversation', `conversation is not supported here: ${nativeOnly}; ${statelessHint}.`);
  if (request.background) throw unsupportedParameter('background', `Background responses are not supported here: ${nativeOnly}, and the gateway keeps no responses to poll.`);
}

function addItem(messages: ChatMessage[], item: ResponsesInputItem, param: string): void {
  if ('role' in item && (item.type === undefined || item.type === 'message')) return addMessage(messages, item as MessageItem, param);
  if (item.type === 'function_call') {
    const call = item as Extract<ResponsesInputItem, { type: 'function_call' }>;
    return addToolCall(messages, { id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments } });
  }
  if (item.type === 'function_call_output') {
    const result = item as Extract<ResponsesInputItem, { type: 'function_call_output' }>;
    const output = typeof result.output === 'string' ? result.output : result.output.map((part) => (part.type === 'input_text' ? part.text : '')).join('');
    messages.push({ role: 'tool', tool_call_id: result.call_id, content: output });
    return;
  }
  if (item.type === 'reasoning') return;
  if (item.type === 'item_reference') throw unsupportedParameter(`${param}.type`, `Item references are not supported: ${statelessHint}.`);
  throw unsupportedParameter(`${param}.type`, `Input items of type "${item.type}" are not supported; use messages, function_call and function_call_output items.`);
}

type MessageItem = { role: 'user' | 'assistant' | 'system' | 'developer'; content: string | ResponsesContentPart[] };

function addMessage(messages: ChatMessage[], item: MessageItem, param: string): void {
  const { role, content } = item;
  if (role === 'system' || role === 'developer') {
    messages.push({ role, content: typeof content === 'string' ? content : content.map((part, i) => textOfPart(part, `${param}.content[${i}]`)).join('') });
  } else if (role === 'assistant') {
    const text = typeof content === 'string' ? content : content.map((part, i) => textOfPart(part, `${param}.content[${i}]`)).join('');
    messages.push({ role: 'assistant', content: text });
  } else {
    messages.push({ role: 'user', content: typeof content === 'string' ? content : content.map((part, i) => userPart(part, `${param}.content[${i}]`)) });
  }
}

/** A call follows the assistant's text of the same turn: it joins that message, as chat requests have it. */
function addToolCall(messages: ChatMessage[], call: ToolCall): void {
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
}

function textOfPart(part: ResponsesContentPart, param: string): string {
  if (part.type === 'input_text' || part.type === 'output_text') return part.text;
  if (part.type === 'refusal') return part.refusal;
  throw unsupportedParameter(`${param}.type`, `A ${part.type} part is only accepted in a user message.`);
}

function userPart(part: ResponsesContentPart, param: string): UserContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      if (!part.image_url) throw unsupportedParameter(`${param}.image_url`, 'Images are taken by image_url (a URL or a base64 data URL); file_id needs OpenAI’s file storage, which the gateway does not have.');
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    case 'input_file': {
      const filename = part.filename ? { filename: part.filename } : {};
      if (part.file_data) return { type: 'file', file: { file_data: part.file_data, ...filename } };
      // By URL, Requesty's input_file part, which the providers fetch or pass on.
      if (part.file_url) return { type: 'input_file', file_data: part.file_url, ...filename };
      throw unsupportedParameter(`${param}.file_data`, 'Files are taken as file_data (a base64 data URL) or file_url; file_id needs OpenAI’s file storage, which the gateway does not have.');
    }
    case 'input_audio':
      return { type: 'input_audio', input_audio: part.input_audio };
  }
}

function toChatTool(tool: NonNullable<ResponsesRequest['tools']>[number], index: number): NonNullable<ChatCompletionRequest['tools']>[number] {
  if (tool.type !== 'function' || !('name' in tool) || typeof tool.name !== 'string') {
    throw unsupportedParameter(`tools[${index}].type`, `Tools of type "${tool.type}" are not supported; only function tools are.`);
  }
  const fn = tool as Extract<typeof tool, { name: string }>;
  return {
    type: 'function',
    function: {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      ...(fn.parameters ? { parameters: fn.parameters } : {}),
      ...(fn.strict != null ? { strict: fn.strict } : {}),
    },
  };
}

function toolChoice(choice: NonNullable<ResponsesRequest['tool_choice']>): ChatCompletionRequest['tool_choice'] {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && 'name' in choice && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  throw unsupportedParameter('tool_choice', `A tool_choice of type "${choice.type}" is not supported; use none, auto, required or a function.`);
}
