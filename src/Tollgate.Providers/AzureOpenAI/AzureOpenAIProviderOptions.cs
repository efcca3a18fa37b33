using Tollgate.Core.Configuration;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.AzureOpenAI;

/// <summary>
/// The <c>azure-openai</c> provider's settings. Azure serves the OpenAI format per deployment:
/// <c>{base_url}/openai/deployments/{deployment}/chat/completions?api-version=...</c>, where a deployment's <c>model:</c>
/// is the Azure deployment name (https://learn.microsoft.com/azure/ai-services/openai/reference).
/// </summary>
public static class AzureOpenAIProviderOptions
{
    /// <summary>The GA data-plane API version used when neither <c>api_version</c> nor <c>OPENAI_API_VERSION</c> is set.</summary>
    public const string DefaultApiVersion = "2024-10-21";

    /// <summary>The settings this type accepts besides the common ones.</summary>
    public static IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("api_version", ConfigValueKind.String, $"The api-version query parameter; default OPENAI_API_VERSION, else {DefaultApiVersion}."),
        new("azure_ad_token", ConfigValueKind.String, "A Microsoft Entra ID access token, sent as Authorization: Bearer instead of the api-key header; default AZURE_OPENAI_AD_TOKEN."),
        new("headers", ConfigValueKind.Map, "Extra request headers for the upstream (e.g. for a proxy in front of it)."),
        new("stream_usage", ConfigValueKind.Boolean, "Ask streamed answers for a final usage chunk (stream_options.include_usage, api-version 2024-09-01-preview and later) so they can be metered; default true."),
    ];

    /// <summary>What Azure OpenAI deployments can express.</summary>
    public static ProviderCapabilities Capabilities { get; } = new()
    {
        NativeFormat = WireFormat.OpenAI,
        Vision = true,
        Tools = true,
        JsonOutput = true,
        Logprobs = true,
        Seed = true,
        MultipleChoices = true,
        Penalties = true,

        // reasoning_effort on o-series deployments (api-version 2024-12-01-preview and later).
        Reasoning = true,
        Embeddings = true,
    };

    /// <summary>Reads the options; keys left out fall back to the Azure OpenAI SDKs' environment variables.</summary>
    /// <exception cref="ArgumentException">No endpoint (<c>base_url</c> or <c>AZURE_OPENAI_ENDPOINT</c>), or no credential.</exception>
    public static OpenAIProviderOptions FromConfig(ProviderConfig config, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var endpoint = NonEmpty(config.BaseUrl) ?? NonEmpty(getEnvironmentVariable("AZURE_OPENAI_ENDPOINT"))
            ?? throw new ArgumentException($"Provider '{config.Name}': azure-openai needs base_url (https://<resource>.openai.azure.com) or AZURE_OPENAI_ENDPOINT.", nameof(config));
        if (!Uri.TryCreate(endpoint.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Provider '{config.Name}': the Azure endpoint must be an http(s) URL.", nameof(config));
        }

        var apiVersion = NonEmpty(config.GetString("api_version")) ?? NonEmpty(getEnvironmentVariable("OPENAI_API_VERSION")) ?? DefaultApiVersion;
        var token = NonEmpty(config.GetString("azure_ad_token")) ?? NonEmpty(getEnvironmentVariable("AZURE_OPENAI_AD_TOKEN"));
        var apiKey = NonEmpty(config.ApiKey) ?? NonEmpty(getEnvironmentVariable("AZURE_OPENAI_API_KEY"));
        if (token is null && apiKey is null)
        {
            throw new ArgumentException($"Provider '{config.Name}': azure-openai needs api_key (or AZURE_OPENAI_API_KEY) or azure_ad_token (or AZURE_OPENAI_AD_TOKEN).", nameof(config));
        }

        // Step 1: Entra ID tokens go in Authorization (the OpenAI provider's bearer); keys in Azure's own api-key header.
        var headers = new List<KeyValuePair<string, string>>();
        if (token is null)
        {
            headers.Add(new("api-key", apiKey!));
        }

        if (config.GetMap("headers") is { } extra)
        {
            headers.AddRange(extra.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.Scalar ?? string.Empty)));
        }

        // Step 2: the URL comes from the deployment named in each request's body.
        var deployments = new AzureOpenAIDeployments(baseUrl, apiVersion);
        return new OpenAIProviderOptions
        {
            BaseUrl = baseUrl,
            ApiKey = token,
            Headers = headers,
            StreamUsage = config.GetBoolean("stream_usage") ?? true,
            Timeouts = config.Timeouts,
            TypeName = "azure-openai",
            Capabilities = Capabilities,
            ResolveUrl = deployments.Resolve,
            MapError = AzureOpenAIErrorMapper.ToException,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
