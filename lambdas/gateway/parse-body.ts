import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import { jsonNestsDeeperThan } from './json-depth.js';

/**
 * Far deeper than any real request, far shallower than what recursive code survives:
 * `JSON.stringify`, which sends a body upstream, overflows the stack near 10,000 levels.
 */
export const maxJsonDepth = 128;

/** Parses a JSON body against a schema; the first problem becomes a 400 naming its `param`. */
export function parseBody<Schema extends z.ZodType>(body: string, schema: Schema): z.infer<Schema> {
  return parseBodyWithRaw(body, schema).data;
}

/**
 * As parseBody, with the JSON as the client sent it besides: what a pass-through forwards, so
 * field order and values reach the upstream exactly as they came, whatever the schema reshapes.
 */
export function parseBodyWithRaw<Schema extends z.ZodType>(body: string, schema: Schema): { data: z.infer<Schema>; raw: unknown } {
  if (jsonNestsDeeperThan(body, maxJsonDepth)) {
    throw new GatewayError(400, 'invalid_request', `The request body nests arrays and objects deeper than ${maxJsonDepth} levels.`, {
      type: 'invalid_request_error',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new GatewayError(400, 'invalid_json', 'The request body is not valid JSON.', {
      type: 'invalid_request_error',
    });
  }
  return { data: parseValue(json, schema), raw: json };
}

/** Checks an already decoded value (a form's fields, say) against a schema, as `parseBody` does. */
export function parseValue<Schema extends z.ZodType>(json: unknown, schema: Schema): z.infer<Schema> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0] && mostSpecific(result.error.issues[0]);
  const param = issue ? paramPath(issue.path) : null;
  throw new GatewayError(
    400,
    'invalid_request',
    issue ? `Invalid value for ${param ?? 'the request body'}: ${issueMessage(issue)}` : 'Invalid request body.',
    { param, type: 'invalid_request_error' },
  );
}

/**
 * A union (string or array of parts, say) fails as a whole; the branch that got furthest into
 * the value names the real problem, as in `messages[0].content[1].type`.
 */
function mostSpecific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  if (!best) return issue;
  const inner = mostSpecific(best);
  return { ...inner, path: [...issue.path, ...inner.path] };
}

/** `['messages', 0, 'content']` → `messages[0].content`, the form OpenAI uses in `param`. */
function paramPath(path: readonly PropertyKey[]): string | null {
  let param = '';
  for (const segment of path) {
    param += typeof segment === 'number' ? `[${segment}]` : `${param ? '.' : ''}${String(segment)}`;
  }
  return param || null;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
}
