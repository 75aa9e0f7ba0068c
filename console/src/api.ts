import { session } from './session.js';

/** An error answer of the management API, in its `{"error": {message, code, param}}` shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly param?: string | null,
  ) {
    super(message);
  }
}

/** Told when the key stops working (401), so the console can ask for it again. */
export const signedOutEvents = new EventTarget();

/** Calls `/v1/manage<path>` with the session's key as a Bearer header. */
export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const key = session.key();
  if (!key) throw new ApiError(401, 'Sign in with a management key first.');
  const response = await fetch(`/v1/manage${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (response.ok) return response;
  const error = await errorOf(response);
  if (response.status === 401) {
    session.signOut();
    signedOutEvents.dispatchEvent(new Event('signed-out'));
  }
  throw error;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await request(method, path, body)).json()) as T;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { message?: string; code?: string; param?: string | null } };
    return new ApiError(response.status, body.error?.message ?? `HTTP ${response.status}`, body.error?.code, body.error?.param);
  } catch {
    return new ApiError(response.status, `The server answered HTTP ${response.status}.`);
  }
}

/** A message for any failure, for the places that show one. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
