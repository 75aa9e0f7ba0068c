/**
 * `bedrock/<model>[@<region>]`: the region is where inference runs (the gateway's own region
 * when absent). Short names of catalog models map to Bedrock's cross-region inference profiles
 * of the region's geography, which keep requests inside it (eu.* stays in EU regions).
 */
export const bedrockFoundationModels: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-haiku-4-5': 'anthropic.claude-haiku-4-5-20251001-v1:0',
  'claude-opus-4-1': 'anthropic.claude-opus-4-1-20250805-v1:0',
};

export interface BedrockModel {
  region: string;
  modelId: string;
}

export function bedrockModel(model: string, defaultRegion: string): BedrockModel {
  const at = model.lastIndexOf('@');
  const name = at === -1 ? model : model.slice(0, at);
  const region = at === -1 ? defaultRegion : model.slice(at + 1);
  const foundation = bedrockFoundationModels[name];
  return { region, modelId: foundation ? `${geographyOf(region)}.${foundation}` : name };
}

/**
 * Whether a Bedrock model id (foundation model, inference profile, or either's ARN) is Claude,
 * which takes Anthropic's Messages body through InvokeModel
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html).
 */
export function isClaudeOnBedrock(modelId: string): boolean {
  return /(^|[./])anthropic\.claude-/.test(modelId);
}

/**
 * AWS regions in EU member states. Europe is not the EU: London (eu-west-2) and Zurich
 * (eu-central-2) are left out, like Vertex's London and Zurich (vertex-target.ts).
 */
const euRegions: ReadonlySet<string> = new Set(['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2']);

/**
 * Whether inference for this model stays in the EU: the call goes to an EU region, and the model
 * is that region's own or the EU cross-region inference profile (`eu.`), whose destinations are
 * EU regions. Any other profile (`global.` routes worldwide), an application inference profile
 * (which could copy any of them) or an ARN naming another region is not.
 */
export function runsInEuOnBedrock({ region, modelId }: BedrockModel): boolean {
  if (!euRegions.has(region)) return false;
  const arn = /^arn:aws:bedrock:([^:]*):[^:]*:([a-z-]+)\/(.+)$/.exec(modelId);
  if (arn) {
    const [, arnRegion = '', kind, id = ''] = arn;
    if (kind === 'application-inference-profile') return false;
    return (arnRegion === '' || arnRegion === region) && staysInRegionOrEu(id);
  }
  return staysInRegionOrEu(modelId);
}

/** An in-region model id (`anthropic.claude-…`, `amazon.nova-…`) or an `eu.` profile; not `us.`, `apac.`, `global.` and the like. */
function staysInRegionOrEu(modelId: string): boolean {
  const prefix = modelId.split('.', 1)[0] ?? '';
  return prefix === 'eu' || !crossRegionPrefixes.has(prefix);
}

/** Prefixes of Bedrock's cross-region inference profiles (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html). */
const crossRegionPrefixes: ReadonlySet<string> = new Set(['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global']);

/** The cross-region inference geographies Bedrock prefixes profile ids with. */
export const bedrockGeographies = ['us', 'eu', 'apac'] as const;

function geographyOf(region: string): (typeof bedrockGeographies)[number] {
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'us';
}
