/** The longest title or referer kept: the request log's bound on a text field. */
const maxChars = 1_024;

/** The calling app as it names itself: OpenRouter's and Requesty's attribution headers. */
export interface CallingApp {
  /** `X-Title`. */
  title: string | null;
  /** `HTTP-Referer` (as those clients spell it), else the standard `Referer`. */
  referer: string | null;
}

export function callingApp(headers: Readonly<Record<string, string | undefined>>): CallingApp {
  return { title: bounded(headers['x-title']), referer: bounded(headers['http-referer'] ?? headers.referer) };
}

/**
 * The app's title for usage by `origin_title`: its `X-Title`, else its referer (many clients
 * send only `HTTP-Referer`), else none.
 */
export function originTitle(app: CallingApp): string | undefined {
  return app.title ?? app.referer ?? undefined;
}

function bounded(text: string | undefined): string | null {
  if (text === undefined || text.trim() === '') return null;
  return text.slice(0, maxChars);
}
