/**
 * OpenAI-compatible hosts, as configuration: each preset only says where the host is, how it
 * authenticates and whether it runs in the EU. `envPrefix` names the local variables
 * `<PREFIX>_API_KEY` and `<PREFIX>_BASE_URL` (and, for Azure, `<PREFIX>_API_VERSION`).
 */
export interface OpenAICompatiblePreset {
  id: string;
  envPrefix: string;
  defaultBaseUrl: string | undefined;
  /** `bearer`: Authorization: Bearer <key>; `api-key`: Azure's api-key header. */
  auth: 'bearer' | 'api-key';
  /** Azure addresses a deployment (the model part of the id) with an api-version. */
  deploymentPaths: boolean;
  /** Hosts whose inference runs in the EU, for the EU stack; a base URL on these hosts counts. */
  euHosts: readonly string[];
  /**
   * Where the host serves OpenAI's Responses API, below its base URL: /v1/responses reaches it
   * untranslated. Absent for hosts that do not document one (they are reached by translation).
   */
  responsesPath?: string;
  /**
   * The host refuses `stream_options` (it rejects every field it does not document) and reports
   * a stream's usage in its last chunk unasked: the field is left out of what it is sent.
   */
  refusesStreamOptions?: true;
}

const preset = (id: string, envPrefix: string, defaultBaseUrl: string, euHosts: readonly string[] = []): OpenAICompatiblePreset => ({
  id,
  envPrefix,
  defaultBaseUrl,
  auth: 'bearer',
  deploymentPaths: false,
  euHosts,
});

export const openAICompatiblePresets: readonly OpenAICompatiblePreset[] = [
  // https://platform.openai.com/docs/guides/your-data#which-models-and-features-are-eligible-for-data-residency
  { ...preset('openai', 'OPENAI', 'https://api.openai.com/v1', ['eu.api.openai.com']), responsesPath: 'responses' },
  // The Responses API is served only by Azure's v1 API, which names the deployment in the body's
  // `model` and takes no api-version (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/responses,
  // https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle); an api-key header authenticates it.
  { id: 'azure', envPrefix: 'AZURE_OPENAI', defaultBaseUrl: undefined, auth: 'api-key', deploymentPaths: true, euHosts: [], responsesPath: 'openai/v1/responses' },
  preset('groq', 'GROQ', 'https://api.groq.com/openai/v1'),
  // Mistral's API is hosted in the EU: https://docs.mistral.ai/deployment/laplateforme/overview/
  // It answers 422 to `stream_options` and ends every stream with its usage unasked.
  { ...preset('mistral', 'MISTRAL', 'https://api.mistral.ai/v1', ['api.mistral.ai']), refusesStreamOptions: true },
  preset('deepseek', 'DEEPSEEK', 'https://api.deepseek.com/v1'),
  preset('xai', 'XAI', 'https://api.x.ai/v1'),
  preset('together', 'TOGETHER', 'https://api.together.xyz/v1'),
  preset('fireworks', 'FIREWORKS', 'https://api.fireworks.ai/inference/v1'),
  preset('openrouter', 'OPENROUTER', 'https://openrouter.ai/api/v1'),
];

/** Azure OpenAI's GA data-plane version, used when AZURE_OPENAI_API_VERSION is not set. */
export const defaultAzureApiVersion = '2024-10-21';
