using Tollgate.Core.Configuration;

namespace Tollgate.Providers.OpenAI;

/// <summary>The <c>openai</c> provider's settings, read from its config entry.</summary>
public sealed record OpenAIProviderOptions
{
    /// <summary>OpenAI's own endpoint, used when <c>base_url</c> is not set.</summary>
    public const string DefaultBaseUrl = "https://api.openai.com/v1";

    /// <summary>The settings this type accepts besides the common ones.</summary>
    public static IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("organization", ConfigValueKind.String, "Sent as OpenAI-Organization."),
        new("project", ConfigValueKind.String, "Sent as OpenAI-Project."),
        new("headers", ConfigValueKind.Map, "Extra request headers for the upstream (e.g. for a proxy in front of it)."),
        new("stream_usage", ConfigValueKind.Boolean, "Ask streamed answers for a final usage chunk (stream_options.include_usage) so they can be metered; default true. Turn off for hosts that reject stream_options."),
    ];

    /// <summary>The upstream's base address, ending in the API version (<c>/v1</c>), without a trailing slash.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The bearer token, when the host needs one.</summary>
    public string? ApiKey { get; init; }

    /// <summary>OpenAI-Organization.</summary>
    public string? Organization { get; init; }

    /// <summary>OpenAI-Project.</summary>
    public string? Project { get; init; }

    /// <summary>Extra headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Whether streamed requests ask for a usage chunk.</summary>
    public bool StreamUsage { get; init; } = true;

    /// <summary>The upstream timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>The config <c>type:</c> this provider was made from, for messages (presets and Azure reuse this provider).</summary>
    public string TypeName { get; init; } = "openai";

    /// <summary>What the host can express, when it differs from OpenAI's own table (presets and Azure set their own).</summary>
    public ProviderCapabilities? Capabilities { get; init; }

    /// <summary>
    /// The upstream address of one request, given the operation and its JSON body (model already rewritten), for hosts
    /// whose URL depends on the model (Azure's deployments). <see langword="null"/>: <c>{base_url}/chat/completions</c> and <c>{base_url}/embeddings</c>.
    /// </summary>
    public Func<ApiOperation, ReadOnlyMemory<byte>, Uri>? ResolveUrl { get; init; }

    /// <summary>Maps an error answer instead of <see cref="OpenAIErrorMapper.ToException"/> (Azure adds its content-filter details).</summary>
    public OpenAIErrorMapping? MapError { get; init; }

    /// <summary>Reads the options from a config entry.</summary>
    public static OpenAIProviderOptions FromConfig(ProviderConfig config)
    {
        var baseUrl = (config.BaseUrl ?? DefaultBaseUrl).TrimEnd('/');
        return new OpenAIProviderOptions
        {
            BaseUrl = new Uri(baseUrl + "/", UriKind.Absolute),
            ApiKey = config.ApiKey,
            Organization = config.GetString("organization"),
            Project = config.GetString("project"),
            Headers = config.GetMap("headers")?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.Scalar ?? string.Empty)).ToList() ?? [],
            StreamUsage = config.GetBoolean("stream_usage") ?? true,
            Timeouts = config.Timeouts,
        };
    }
}
