import { modelCatalog } from '../catalog/model-catalog.js';

/**
 * An alias is a bare name (no `/`, so it never shadows a `provider/model` or `policy/<name>`)
 * that the organisation points at a model or a policy, so tools that send their own model names
 * (Claude Code sends `claude-sonnet-4-5`, `claude-haiku-4-5-20251001`) reach a configured target.
 */
export const aliasNamePattern = /^[A-Za-z0-9][A-Za-z0-9._:\-[\]]{0,127}$/;
/** An organisation's aliases are kept with its settings: a bounded map. */
export const maxAliases = 200;

/** Claude Code's marker for the 1M-token context window: `claude-sonnet-4-5[1m]`. */
const longContextSuffix = '[1m]';
/** Anthropic's beta flag for that window: https://docs.anthropic.com/en/docs/build-with-claude/context-windows#1m-token-context-window */
export const longContextBeta = 'context-1m-2025-08-07';

const bareClaude = /^claude-[a-z0-9.-]+$/;
const datedSuffix = /-\d{8}$/;
const catalogIds = new Set(modelCatalog.map((entry) => entry.id));

/** The model without Claude Code's `[1m]` marker, and whether it had one. */
export function withoutLongContext(model: string): { model: string; longContext: boolean } {
  return model.endsWith(longContextSuffix)
    ? { model: model.slice(0, -longContextSuffix.length), longContext: true }
    : { model, longContext: false };
}

/**
 * Where the gateway sends a bare Claude name by default: `anthropic/<name>`, with a release
 * date dropped when the catalog prices the undated model (so the answer is priced and counted
 * against limits like the undated one; Anthropic serves both).
 */
export function defaultAliasTarget(name: string): string | undefined {
  if (!bareClaude.test(name)) return undefined;
  const undated = `anthropic/${name.replace(datedSuffix, '')}`;
  return catalogIds.has(undated) ? undated : `anthropic/${name}`;
}

/**
 * The `provider/model` or `policy/<name>` a request's model resolves to: the organisation's
 * alias of that name, else the default for a bare Claude name, else the model as given.
 * The `[1m]` marker is dropped (the Messages route turns it into Anthropic's beta header).
 */
export function resolveModelAlias(requested: string, aliases: Readonly<Record<string, string>> | undefined): string {
  const { model } = withoutLongContext(requested);
  if (model.includes('/')) return model;
  if (aliases && Object.hasOwn(aliases, model)) return aliases[model] ?? model;
  return defaultAliasTarget(model) ?? model;
}

/** The default aliases worth listing: each catalogued Claude model by its bare name. */
export function listedDefaultAliases(): Record<string, string> {
  const listed: Record<string, string> = {};
  for (const entry of modelCatalog) {
    if (entry.id.startsWith('anthropic/')) listed[entry.id.slice('anthropic/'.length)] = entry.id;
  }
  return listed;
}
