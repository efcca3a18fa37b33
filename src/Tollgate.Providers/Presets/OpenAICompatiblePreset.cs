namespace Tollgate.Providers.Presets;

/// <summary>An OpenAI-compatible host known by name: its <c>type:</c>, defaults, and what it can express.</summary>
/// <param name="Type">The <c>type:</c> value, such as <c>groq</c>.</param>
/// <param name="DisplayName">The host's name, for messages.</param>
/// <param name="DefaultBaseUrl">The API root used when neither <c>base_url</c> nor <see cref="BaseUrlVariable"/> is set.</param>
/// <param name="KeyVariable">The environment variable read when <c>api_key</c> is not set.</param>
/// <param name="KeyRequired">Whether a provider without a key is a config error (local servers run without one).</param>
/// <param name="Capabilities">What the host accepts; translated requests needing more are refused with a 400.</param>
public sealed record OpenAICompatiblePreset(string Type, string DisplayName, string DefaultBaseUrl, string KeyVariable, bool KeyRequired, ProviderCapabilities Capabilities)
{
    /// <summary>An environment variable that gives the base URL when <c>base_url</c> is not set (Ollama's <c>OLLAMA_HOST</c>).</summary>
    public string? BaseUrlVariable { get; init; }

    /// <summary>Whether streamed requests ask for a usage chunk unless <c>stream_usage</c> says otherwise.</summary>
    public bool StreamUsageDefault { get; init; } = true;
}
