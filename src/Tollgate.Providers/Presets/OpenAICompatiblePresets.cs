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

        // Together: top_k, repetition penalties, logprobs, n and seed as OpenAI fields or extras; embeddings.
        new("together", "Together AI", "https://api.together.xyz/v1", "TOGETHER_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, TopK = true, Penalties = true, Reasoning = true, Embeddings = true,
        }),

        // Fireworks: top_k, n, logprobs, penalties, reasoning_effort with reasoning_content; embeddings.
        new("fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, TopK = true, Penalties = true, Reasoning = true, Embeddings = true,
        }),

        // DeepSeek: no images, no seed, n = 1 only; deepseek-reasoner returns reasoning_content.
        new("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Tools = true, JsonOutput = true, Logprobs = true, Penalties = true, Reasoning = true,
        }),

        // xAI: images, logprobs, n, seed; reasoning_effort on grok-3-mini with reasoning_content.
        new("xai", "xAI", "https://api.x.ai/v1", "XAI_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, Penalties = true, Reasoning = true,
        }),

        // OpenRouter: top_k, seed, logprobs and penalties are passed to providers that support them; PDFs as file
        // parts; a unified reasoning control with the reasoning returned as `reasoning`. n > 1 is not supported.
        new("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", KeyRequired: true, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Documents = true, Tools = true, JsonOutput = true, Logprobs = true,
            Seed = true, TopK = true, Penalties = true, Reasoning = true,
        }),

        // Ollama's /v1: no key, no logprobs, no n; seed and penalties; embeddings.
        new("ollama", "Ollama", "http://localhost:11434/v1", "OLLAMA_API_KEY", KeyRequired: false, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Seed = true, Penalties = true,
            Reasoning = true, Embeddings = true,
        })
        {
            BaseUrlVariable = "OLLAMA_HOST",
        },

        // vLLM's OpenAI server: every sampling field incl. top_k as an extra, reasoning_content with a reasoning parser.
        new("vllm", "vLLM", "http://localhost:8000/v1", "VLLM_API_KEY", KeyRequired: false, new ProviderCapabilities
        {
            NativeFormat = WireFormat.OpenAI, Vision = true, Tools = true, JsonOutput = true, Logprobs = true, Seed = true,
            MultipleChoices = true, TopK = true, Penalties = true, Reasoning = true, Embeddings = true,
        }),
    ];
}
