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

/** The cross-region inference geographies Bedrock prefixes profile ids with. */
export const bedrockGeographies = ['us', 'eu', 'apac'] as const;

function geographyOf(region: string): (typeof bedrockGeographies)[number] {
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'us';
}
