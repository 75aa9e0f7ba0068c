import type { Policy } from './policy-schema.js';

/** A policy with its nested `policy/<name>` entries resolved, ready to be planned. */
export type PolicyNode =
  | { kind: 'model'; model: string }
  | { kind: 'policy'; policy: Policy; children: PolicyNode[] };

/** Every provider model a node can end in, in document order, without repeats. */
export function leafModels(node: PolicyNode): string[] {
  if (node.kind === 'model') return [node.model];
  return [...new Set(node.children.flatMap(leafModels))];
}
