import { GatewayError } from '../../errors.js';

/** A model on Vertex AI: whose publisher endpoint serves it, its name there, and where it runs. */
export interface VertexTarget {
  publisher: 'google' | 'anthropic';
  model: string;
  region: string;
}

/** Where `vertex/<model>` runs without an `@region` and without a configured default. */
export const defaultVertexRegion = 'global';

// https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations: `global`, the `us` and
// `eu` multi-regions, and regions such as `us-central1`, `europe-west4`, `asia-northeast1`.
const regionPattern = /^(global|us|eu|[a-z]+-[a-z]+\d+)$/;

/**
 * Vertex regions in EU member states, and the `eu` multi-region (processing stays in the EU).
 * Europe is not the EU: London (europe-west2) and Zurich (europe-west6) are not in this list.
 */
const euRegions: ReadonlySet<string> = new Set([
  'eu',
  'europe-central2',
  'europe-north1',
  'europe-north2',
  'europe-southwest1',
  'europe-west1',
  'europe-west3',
  'europe-west4',
  'europe-west8',
  'europe-west9',
  'europe-west10',
  'europe-west12',
]);

/**
 * `<model>[@<version>][@<region>]`: a trailing `@` part of digits is a Claude model version
 * (`claude-sonnet-4-5@20250929`), any other names the region. Claude models are served by
 * Anthropic's publisher endpoint, every other model by Google's.
 */
export function vertexTarget(model: string, defaultRegion: string = defaultVertexRegion): VertexTarget {
  const at = model.lastIndexOf('@');
  const suffix = at === -1 ? undefined : model.slice(at + 1);
  const namesRegion = suffix !== undefined && !/^\d+$/.test(suffix);
  if (namesRegion && !regionPattern.test(suffix)) {
    throw new GatewayError(400, 'invalid_request', `"${suffix}" is not a Vertex AI region (for example europe-west4, us-central1, global).`, {
      param: 'model',
      type: 'invalid_request_error',
    });
  }
  const name = namesRegion ? model.slice(0, at) : model;
  return { publisher: name.startsWith('claude-') ? 'anthropic' : 'google', model: name, region: namesRegion ? suffix : defaultRegion };
}

export function runsInEuRegion(region: string): boolean {
  return euRegions.has(region);
}

/**
 * The model's resource URL, to which `:<method>` is appended. `baseUrl` replaces the regional
 * host (a proxy, or a local mock); the path names the region either way.
 */
export function vertexModelUrl(target: VertexTarget, project: string, baseUrl: string | undefined): string {
  const host = baseUrl === undefined ? regionalHost(target.region) : baseUrl.replace(/\/+$/, '');
  // Claude versions keep their `@`, as Vertex writes them.
  const model = encodeURIComponent(target.model).replace(/%40/g, '@');
  return `${host}/v1/projects/${encodeURIComponent(project)}/locations/${target.region}/publishers/${target.publisher}/models/${model}`;
}

/** As anthropic-sdk-typescript's vertex-sdk and Google's docs name the endpoints. */
function regionalHost(region: string): string {
  if (region === 'global') return 'https://aiplatform.googleapis.com';
  if (region === 'us' || region === 'eu') return `https://aiplatform.${region}.rep.googleapis.com`;
  return `https://${region}-aiplatform.googleapis.com`;
}
