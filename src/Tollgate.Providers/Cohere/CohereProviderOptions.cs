using Tollgate.Core.Configuration;

namespace Tollgate.Providers.Cohere;

/// <summary>A <c>cohere</c> provider's settings, parsed once from its <see cref="ProviderConfig"/>.</summary>
public sealed record CohereProviderOptions
{
    /// <summary>Used when <c>base_url</c> is not set.</summary>
    public const string DefaultBaseUrl = "https://api.cohere.com";

    /// <summary>Used when <c>embed_input_type</c> is not set: embeddings for storing and searching.</summary>
    public const string DefaultEmbedInputType = "search_document";

    /// <summary>The settings this type accepts besides the common ones.</summary>
    public static IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("embed_input_type", ConfigValueKind.String, $"input_type for /v2/embed: search_document, search_query, classification or clustering. Default {DefaultEmbedInputType}."),
        new("client_name", ConfigValueKind.String, "Sent as X-Client-Name."),
        new("headers", ConfigValueKind.Map, "Extra request headers for the upstream (e.g. for a proxy in front of it)."),
    ];

    /// <summary>The provider's config name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>The absolute <c>/v2/chat</c> address.</summary>
    public required Uri ChatUri { get; init; }

    /// <summary>The absolute <c>/v2/embed</c> address.</summary>
    public required Uri EmbedUri { get; init; }

    /// <summary>The bearer key; never logged.</summary>
    public string? ApiKey { get; init; }

    /// <summary><c>input_type</c> for embeddings.</summary>
    public string EmbedInputType { get; init; } = DefaultEmbedInputType;

    /// <summary>Extra headers (X-Client-Name included).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The upstream timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>Parses <paramref name="config"/>; the key falls back to <c>COHERE_API_KEY</c>, then <c>CO_API_KEY</c> (the Cohere SDKs' variable).</summary>
    /// <exception cref="ArgumentException">No key, or an unknown <c>embed_input_type</c>.</exception>
    public static CohereProviderOptions FromConfig(ProviderConfig config, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var apiKey = new[] { config.ApiKey, getEnvironmentVariable("COHERE_API_KEY"), getEnvironmentVariable("CO_API_KEY") }.FirstOrDefault(k => !string.IsNullOrWhiteSpace(k))
            ?? throw new ArgumentException($"Provider '{config.Name}': cohere needs api_key, COHERE_API_KEY or CO_API_KEY.", nameof(config));
        var inputType = config.GetString("embed_input_type") ?? DefaultEmbedInputType;
        if (inputType is not ("search_document" or "search_query" or "classification" or "clustering"))
        {
            throw new ArgumentException($"Provider '{config.Name}': embed_input_type must be search_document, search_query, classification or clustering.", nameof(config));
        }

        var root = (string.IsNullOrWhiteSpace(config.BaseUrl) ? DefaultBaseUrl : config.BaseUrl.Trim()).TrimEnd('/');
        if (root.EndsWith("/v2", StringComparison.Ordinal))
        {
            root = root[..^3];
        }

        var headers = config.GetMap("headers")?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.Scalar ?? string.Empty)).ToList() ?? [];
        if (config.GetString("client_name") is { Length: > 0 } clientName)
        {
            headers.Add(new("X-Client-Name", clientName));
        }

        return new CohereProviderOptions
        {
            Name = config.Name,
            ChatUri = new Uri(root + "/v2/chat", UriKind.Absolute),
            EmbedUri = new Uri(root + "/v2/embed", UriKind.Absolute),
            ApiKey = apiKey.Trim(),
            EmbedInputType = inputType,
            Headers = headers,
            Timeouts = config.Timeouts,
        };
    }
}
