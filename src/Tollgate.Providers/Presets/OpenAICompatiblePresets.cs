namespace Tollgate.Providers.Presets;

/// <summary>
/// The OpenAI-compatible hosts Tollgate knows by name. Each capability table follows the host's own documentation of
/// its OpenAI-compatible API; <c>Reasoning</c> means the host accepts a reasoning control and returns the model's
/// reasoning in a separate field (<c>reasoning_content</c> or <c>reasoning</c>).
/// </summary>
public static class OpenAICompatiblePresets
{
    /// <summary>Every preset, in the order the docs list them.</summary>
    public static IReadOnlyList<OpenAICompatiblePreset> All { get; } =
    [
        // Groq: logprobs, logit_bias, top_logprobs, messages[].name and n > 1 are refused with 400
        // (https://console.groq.com/docs/openai); reasoning_effort / reasoning_format on reasoning models.
        new("groq", "Groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Seed = true, Penalties = true, Reasoning = true,
        }),

        // Together (https://docs.together.ai/docs/inference/chat/parameters, https://docs.together.ai/docs/inference/openai-compatibility):
        // top_k, presence/frequency penalties, logprobs, n, seed and response_format in the request body; image_url parts
        // (https://docs.together.ai/docs/inference/vision/overview); reasoning_effort or reasoning.enabled with the reasoning
        // returned as `reasoning` (https://docs.together.ai/docs/inference/chat/reasoning); /v1/embeddings.
        new("together", "Together AI", "https://api.together.xyz/v1", "TOGETHER_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, TopK = true, Penalties = true, Reasoning = true, Embeddings = true,
        }),

        // Fireworks (https://docs.fireworks.ai/api-reference/post-chatcompletions): top_k, n, presence/frequency penalties,
        // response_format, reasoning_effort, and reasoning_content and logprobs in the answer; image_url parts but no PDFs
        // (https://docs.fireworks.ai/guides/querying-vision-language-models); /v1/embeddings
        // (https://docs.fireworks.ai/api-reference/creates-an-embedding-vector-representing-the-input-text). Seed: the OpenAI
        // compatibility page (https://docs.fireworks.ai/tools-sdks/openai-compatibility) lists no exception for it.
        new("fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, TopK = true, Penalties = true, Reasoning = true, Embeddings = true,
        }),

        // DeepSeek (https://api-docs.deepseek.com/api/create-chat-completion): text-only message content, no seed, no n,
        // no top_k; penalties, tools, logprobs/top_logprobs and response_format json_object (not json_schema); the `thinking`
        // switch with the reasoning returned as reasoning_content (https://api-docs.deepseek.com/guides/reasoning_model, which
        // also says logprobs is refused in thinking mode). No embeddings API.
        new("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Tools = true, JsonOutput = true, Logprobs = true, Penalties = true, Reasoning = true,
        }),

        // xAI (https://docs.x.ai/docs/api-reference): the chat-completions body takes logprobs, n, seed, penalties,
        // response_format json_schema and tools. Reasoning (https://docs.x.ai/docs/guides/reasoning,
        // https://docs.x.ai/developers/model-capabilities/text/reasoning): reasoning_effort on grok-3-mini and grok-4.3 only
        // (other models answer it with an error), reasoning_content only from grok-3-mini; reasoning models refuse presence and
        // frequency penalties, so Penalties holds for the non-reasoning models only. Chat Completions is marked deprecated in
        // favour of the Responses API (https://docs.x.ai/developers/model-capabilities/text/best-practices).
        new("xai", "xAI", "https://api.x.ai/v1", "XAI_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, Penalties = true, Reasoning = true,
        }),

        // OpenRouter (https://openrouter.ai/docs/api-reference/parameters): top_k, seed, logprobs/top_logprobs and penalties
        // are passed to the providers that support them; n is not among the parameters, so several choices stay refused.
        // PDFs as `file` parts (https://openrouter.ai/docs/features/multimodal/pdfs); a unified `reasoning` control with the
        // reasoning returned as `reasoning` (https://openrouter.ai/docs/use-cases/reasoning-tokens).
        new("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Documents = true, Tools = true, JsonOutput = true, Logprobs = true,
            Seed = true, TopK = true, Penalties = true, Reasoning = true,
        }),

        // Ollama's /v1 (https://docs.ollama.com/api/openai-compatibility, docs/api/openai-compatibility.mdx in ollama/ollama):
        // no key; image parts as base64 data URIs (image URLs are unchecked), seed, penalties, response_format, tools and
        // reasoning_effort / reasoning.effort are checked; logprobs, n, logit_bias and tool_choice are unchecked; top_k is not
        // listed; /v1/embeddings.
        new("ollama", "Ollama", "http://localhost:11434/v1", "OLLAMA_API_KEY", KeyRequired: false, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Seed = true, Penalties = true,
            Reasoning = true, Embeddings = true,
        })
        {
            BaseUrlVariable = "OLLAMA_HOST",
        },

        // vLLM (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): the OpenAI chat fields incl. n, seed
        // and logprobs, top_k as an extra sampling parameter, image_url parts for multimodal models, tools with a tool parser,
        // and the Embeddings API for embedding models; no `file` parts. With a reasoning parser the reasoning comes back as
        // `reasoning` (formerly `reasoning_content`, still sent for now: https://docs.vllm.ai/en/v0.11.2/features/reasoning_outputs/).
        new("vllm", "vLLM", "http://localhost:8000/v1", "VLLM_API_KEY", KeyRequired: false, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, TopK = true, Penalties = true, Reasoning = true, Embeddings = true,
        }),
    ];
}
