/** Parses text that may not be JSON (error bodies are often HTML); undefined when it is not. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
