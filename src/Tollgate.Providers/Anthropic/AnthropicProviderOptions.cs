using System.Globalization;
using Tollgate.Core.Configuration;

namespace Tollgate.Providers.Anthropic;

/// <summary>An <c>anthropic</c> provider's settings, parsed once from its <see cref="ProviderConfig"/>.</summary>
internal sealed record AnthropicProviderOptions
{
    /// <summary>Used when <c>base_url</c> is not set.</summary>
    public const string DefaultBaseUrl = "https://api.anthropic.com";

    /// <summary>Used when <c>anthropic_version</c> is not set.</summary>
    public const string DefaultVersion = "2023-06-01";

    /// <summary>The provider's config name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>The absolute <c>/v1/messages</c> address.</summary>
    public required Uri MessagesUri { get; init; }

    /// <summary>The <c>x-api-key</c> value; never logged.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The <c>anthropic-version</c> header.</summary>
    public string Version { get; init; } = DefaultVersion;

    /// <summary><c>default_max_tokens</c>: used when neither the request, the per-model map nor the built-in table gives one.</summary>
    public int? DefaultMaxTokens { get; init; }

    /// <summary><c>max_tokens</c>: per-model defaults, by exact model name.</summary>
    public IReadOnlyDictionary<string, int> MaxTokensByModel { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The upstream timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>Parses <paramref name="config"/>; <c>base_url</c> may end with or without a slash.</summary>
    public static AnthropicProviderOptions FromConfig(ProviderConfig config)
    {
        var baseUrl = string.IsNullOrWhiteSpace(config.BaseUrl) ? DefaultBaseUrl : config.BaseUrl.Trim();
        var messagesUri = new Uri(baseUrl.TrimEnd('/') + "/v1/messages", UriKind.Absolute);

        var perModel = new Dictionary<string, int>(StringComparer.Ordinal);
        if (config.GetMap("max_tokens") is { } map)
        {
            foreach (var (model, value) in map)
            {
                if (value.AsInteger() is { } tokens && tokens is > 0 and <= int.MaxValue)
                {
                    perModel[model] = (int)tokens;
                }
                else
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"Provider '{config.Name}': max_tokens.{model} must be a positive integer."),
                        nameof(config));
                }
            }
        }

        int? defaultMaxTokens = null;
        if (config.GetInteger("default_max_tokens") is { } d)
        {
            defaultMaxTokens = d is > 0 and <= int.MaxValue
                ? (int)d
                : throw new ArgumentException($"Provider '{config.Name}': default_max_tokens must be a positive integer.", nameof(config));
        }

        return new AnthropicProviderOptions
        {
            Name = config.Name,
            MessagesUri = messagesUri,
            ApiKey = config.ApiKey,
            Version = config.GetString("anthropic_version") is { Length: > 0 } v ? v : DefaultVersion,
            DefaultMaxTokens = defaultMaxTokens,
            MaxTokensByModel = perModel,
            Timeouts = config.Timeouts,
        };
    }
}
