/**
 * OpenAI-compatible hosts, as configuration: each preset only says where the host is, how it
 * authenticates and whether it runs in the EU. `envPrefix` names the local variables
 * `<PREFIX>_API_KEY` and `<PREFIX>_BASE_URL` (and, for Azure, `<PREFIX>_API_VERSION`).
 */
/** How a host differs from OpenAI in the chat requests it accepts. */
export interface HostDialect {
  /**
   * The host refuses `stream_options` (it rejects every field it does not document) and reports
   * a stream's usage in its last chunk unasked: the field is left out of what it is sent.
   */
  refusesStreamOptions?: true;
  /** Fields it knows under names of its own (OpenAI's name → the host's): sent under its name. */
  fieldNames?: Readonly<Record<string, string>>;
}

export interface OpenAICompatiblePreset extends HostDialect {
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
  // It answers 422 to fields it does not document, `stream_options` among them (it ends every
  // stream with its usage unasked), and names two of OpenAI's its own way:
  // https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
  {
    ...preset('mistral', 'MISTRAL', 'https://api.mistral.ai/v1', ['api.mistral.ai']),
    refusesStreamOptions: true,
    fieldNames: { max_completion_tokens: 'max_tokens', seed: 'random_seed' },
  },
  preset('deepseek', 'DEEPSEEK', 'https://api.deepseek.com/v1'),
  preset('xai', 'XAI', 'https://api.x.ai/v1'),
  preset('together', 'TOGETHER', 'https://api.together.xyz/v1'),
  preset('fireworks', 'FIREWORKS', 'https://api.fireworks.ai/inference/v1'),
  preset('openrouter', 'OPENROUTER', 'https://openrouter.ai/api/v1'),
];

/** Azure OpenAI's GA data-plane version, used when AZURE_OPENAI_API_VERSION is not set. */
export const defaultAzureApiVersion = '2024-10-21';
