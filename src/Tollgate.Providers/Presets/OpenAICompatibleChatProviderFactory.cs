using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Presets;

/// <summary>
/// Creates providers of one <see cref="OpenAICompatiblePreset"/>: the <c>openai</c> type with the host's base URL, key
/// variable and capability table as defaults, so a config entry needs only a key.
/// </summary>
public sealed class OpenAICompatibleChatProviderFactory : IChatProviderFactory
{
    private readonly OpenAICompatiblePreset _preset;

    /// <summary>Creates the factory for <paramref name="preset"/>.</summary>
    public OpenAICompatibleChatProviderFactory(OpenAICompatiblePreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        _preset = preset;
    }

    /// <inheritdoc/>
    public string Type => _preset.Type;

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => OpenAIProviderOptions.Settings;

    /// <summary>A factory for every preset.</summary>
    public static IEnumerable<IChatProviderFactory> CreateAll() => OpenAICompatiblePresets.All.Select(p => new OpenAICompatibleChatProviderFactory(p));

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new OpenAIChatProvider(config.Name, CreateOptions(config, context.GetEnvironmentVariable), context);
    }

    /// <summary>The options a config entry resolves to: its own keys first, then the environment, then the preset.</summary>
    /// <exception cref="ArgumentException">A host that needs a key has none.</exception>
    public OpenAIProviderOptions CreateOptions(ProviderConfig config, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var apiKey = NonEmpty(config.ApiKey) ?? NonEmpty(getEnvironmentVariable(_preset.KeyVariable));
        if (apiKey is null && _preset.KeyRequired)
        {
            throw new ArgumentException($"Provider '{config.Name}': {_preset.DisplayName} needs api_key or {_preset.KeyVariable}.", nameof(config));
        }

        var baseUrl = NonEmpty(config.BaseUrl)
            ?? (_preset.BaseUrlVariable is { } variable && NonEmpty(getEnvironmentVariable(variable)) is { } host ? HostToBaseUrl(host) : null)
            ?? _preset.DefaultBaseUrl;
        var options = OpenAIProviderOptions.FromConfig(config with { BaseUrl = baseUrl, ApiKey = apiKey });
        return options with
        {
            StreamUsage = config.GetBoolean("stream_usage") ?? _preset.StreamUsageDefault,
            TypeName = _preset.Type,
            Capabilities = _preset.Capabilities,
        };
    }

    // OLLAMA_HOST is a host[:port] or a URL without the /v1 API root (https://github.com/ollama/ollama/blob/main/docs/faq.md).
    private static string HostToBaseUrl(string host)
    {
        var url = host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host;
        return url.TrimEnd('/') + "/v1";
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
