/**
 * What analytics can group by and filter on, as the API names it. Every name is either one of
 * these fixed fields or `extra.<key>` / `feedback.<key>`, whose key is only ever a map key in
 * the SQL (a literal), never an identifier.
 */
export type AnalyticsField =
  /** A column of the request log; where it is null, `orElse`'s value when there is one. */
  | { name: string; source: 'column'; column: string; orElse?: string; type: 'text' | 'integer' }
  /** One element of a list column: the request counts once for each distinct element. */
  | { name: 'tag' | 'tool'; source: 'element'; list: 'tags' | 'tool_calls'; type: 'text' }
  /** A `requesty.extra` value (or a captured header, `extra.header.<name>`). */
  | { name: string; source: 'extra'; key: string; type: 'text' }
  /** The latest value of one feedback field for the request. */
  | { name: string; source: 'feedback'; key: string; type: 'text' };

const columns: Readonly<Record<string, readonly [column: string, type?: 'integer' | 'text', orElse?: string]>> = {
  model: ['model'],
  model_requested: ['model_requested'],
  provider: ['provider'],
  api_key: ['api_key_id'],
  group: ['group_id'],
  user: ['user_id'],
  policy: ['policy'],
  status: ['status', 'integer'],
  error_code: ['error_code'],
  error_type: ['error_type'],
  endpoint: ['endpoint'],
  region: ['region'],
  // As usage's `origin_title` counts it: the app's X-Title, else its referer.
  app: ['app_title', 'text', 'app_referer'],
  finish_reason: ['finish_reason'],
  trace: ['trace_id'],
};

const elements = { tag: 'tags', tool: 'tool_calls' } as const;

/** Keys of `extra` and feedback data that can be named: what clients put there, header names included. */
const keyPattern = /^[\p{L}\p{N}_.:@/ -]{1,128}$/u;

/** Every name `parseField` accepts, for messages and the README. */
export const fieldNames: readonly string[] = [...Object.keys(columns), ...Object.keys(elements), 'extra.<key>', 'feedback.<key>'];

export function parseField(name: string): AnalyticsField | undefined {
  const column = Object.hasOwn(columns, name) ? columns[name] : undefined;
  if (column) return { name, source: 'column', column: column[0], type: column[1] ?? 'text', ...(column[2] ? { orElse: column[2] } : {}) };
  if (name === 'tag' || name === 'tool') return { name, source: 'element', list: elements[name], type: 'text' };
  const keyed = /^(extra|feedback)\.(.+)$/s.exec(name);
  if (!keyed?.[2] || !keyPattern.test(keyed[2])) return undefined;
  return { name, source: keyed[1] === 'extra' ? 'extra' : 'feedback', key: keyed[2], type: 'text' };
}
