import type { MatchLogic } from './genai-prices-schema.js';

const compiled = new Map<string, RegExp>();

/** Whether a provider's model name satisfies a genai-prices match clause (names compare as given). */
export function matchesModelName(name: string, logic: MatchLogic): boolean {
  if ('equals' in logic) return name === logic.equals;
  if ('starts_with' in logic) return name.startsWith(logic.starts_with);
  if ('ends_with' in logic) return name.endsWith(logic.ends_with);
  if ('contains' in logic) return name.includes(logic.contains);
  if ('regex' in logic) {
    let pattern = compiled.get(logic.regex);
    if (!pattern) {
      pattern = new RegExp(logic.regex);
      compiled.set(logic.regex, pattern);
    }
    return pattern.test(name);
  }
  if ('or' in logic) return logic.or.some((clause) => matchesModelName(name, clause));
  return logic.and.every((clause) => matchesModelName(name, clause));
}
