using Tollgate.Core.Configuration;

namespace Tollgate.Providers.Mistral;

/// <summary>A <c>mistral</c> provider's settings, parsed once from its <see cref="ProviderConfig"/>.</summary>
public sealed record MistralProviderOptions
{
    /// <summary>Used when <c>base_url</c> is not set.</summary>
    public const string DefaultBaseUrl = "https://api.mistral.ai";

    /// <summary>The settings this type accepts besides the common ones.</summary>
    public static IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("headers", ConfigValueKind.Map, "Extra request headers for the upstream (e.g. for a proxy in front of it)."),
    ];

    /// <summary>The provider's config name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>The absolute <c>/v1/chat/completions</c> address.</summary>
    public required Uri ChatUri { get; init; }

    /// <summary>The absolute <c>/v1/embeddings</c> address.</summary>
    public required Uri EmbeddingsUri { get; init; }

    /// <summary>The bearer key; never logged.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Extra headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The upstream timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>Parses <paramref name="config"/>; the key falls back to <c>MISTRAL_API_KEY</c>. <c>base_url</c> is the host root, without <c>/v1</c>.</summary>
    /// <exception cref="ArgumentException">No key.</exception>
    public static MistralProviderOptions FromConfig(ProviderConfig config, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var apiKey = string.IsNullOrWhiteSpace(config.ApiKey) ? getEnvironmentVariable("MISTRAL_API_KEY") : config.ApiKey;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException($"Provider '{config.Name}': mistral needs api_key or MISTRAL_API_KEY.", nameof(config));
        }

        var root = (string.IsNullOrWhiteSpace(config.BaseUrl) ? DefaultBaseUrl : config.BaseUrl.Trim()).TrimEnd('/');
        if (root.EndsWith("/v1", StringComparison.Ordinal))
        {
            root = root[..^3];
        }

        return new MistralProviderOptions
        {
            Name = config.Name,
            ChatUri = new Uri(root + "/v1/chat/completions", UriKind.Absolute),
            EmbeddingsUri = new Uri(root + "/v1/embeddings", UriKind.Absolute),
            ApiKey = apiKey.Trim(),
            Headers = config.GetMap("headers")?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.Scalar ?? string.Empty)).ToList() ?? [],
            Timeouts = config.Timeouts,
        };
    }
}
