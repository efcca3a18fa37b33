using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Gemini;

/// <summary>
/// A <c>gemini</c> or <c>vertex</c> provider's settings, parsed once from its <see cref="ProviderConfig"/>. Unset optional
/// keys fall back to the environment variables Google's own SDKs read.
/// </summary>
internal sealed record GeminiProviderOptions
{
    /// <summary>The Gemini API, used when a <c>gemini</c> provider sets no <c>base_url</c>.</summary>
    public const string DefaultGeminiBaseUrl = "https://generativelanguage.googleapis.com";

    /// <summary>Google's OAuth token endpoint, used when neither <c>token_url</c> nor the key file's <c>token_uri</c> names one.</summary>
    public const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";

    /// <summary>The settings of <c>type: gemini</c> besides the common ones.</summary>
    public static IReadOnlyList<ProviderSetting> GeminiSettings { get; } =
    [
        new("embedding_task_type", ConfigValueKind.String, "taskType sent with embeddings (such as RETRIEVAL_DOCUMENT, RETRIEVAL_QUERY, SEMANTIC_SIMILARITY); unset sends none."),
    ];

    /// <summary>The settings of <c>type: vertex</c> besides the common ones.</summary>
    public static IReadOnlyList<ProviderSetting> VertexSettings { get; } =
    [
        new("project", ConfigValueKind.String, "The Google Cloud project id. Default: GOOGLE_CLOUD_PROJECT, else the key file's project_id."),
        new("location", ConfigValueKind.String, "The Vertex AI region, such as us-central1, or global. Default: GOOGLE_CLOUD_LOCATION; one of the two is required."),
        new("credentials_file", ConfigValueKind.String, "The service-account JSON key file; relative to the config file's folder. Default: GOOGLE_APPLICATION_CREDENTIALS (relative to the working directory); one of the two is required."),
        new("token_url", ConfigValueKind.String, $"The OAuth token endpoint. Default: the key file's token_uri, else {DefaultTokenUrl}."),
        new("embedding_task_type", ConfigValueKind.String, "task_type sent with each embeddings instance (such as RETRIEVAL_DOCUMENT, RETRIEVAL_QUERY); unset sends none."),
    ];

    /// <summary>The provider's config name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>Whether this is Vertex AI (OAuth, project paths) rather than the Gemini API (API key).</summary>
    public bool Vertex { get; init; }

    /// <summary>The base address, without a trailing slash.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>Gemini API: the <c>x-goog-api-key</c> value; never logged, never put in a URL.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Vertex: the project, when configured; else the key file's <c>project_id</c>.</summary>
    public string? Project { get; init; }

    /// <summary>Vertex: the region.</summary>
    public string? Location { get; init; }

    /// <summary>Vertex: the absolute path of the service-account key file.</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>Vertex: the configured token endpoint, when set.</summary>
    public string? TokenUrl { get; init; }

    /// <summary>The embeddings task type, when configured.</summary>
    public string? EmbeddingTaskType { get; init; }

    /// <summary>The upstream timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>Reads a <c>gemini</c> entry: <c>api_key</c>, else GEMINI_API_KEY, else GOOGLE_API_KEY.</summary>
    public static GeminiProviderOptions ForGemini(ProviderConfig config, ProviderContext context)
    {
        var apiKey = NonEmpty(config.ApiKey) ?? NonEmpty(context.GetEnvironmentVariable("GEMINI_API_KEY")) ?? NonEmpty(context.GetEnvironmentVariable("GOOGLE_API_KEY"));
        return new GeminiProviderOptions
        {
            Name = config.Name,
            BaseUrl = CheckBaseUrl(config.Name, NonEmpty(config.BaseUrl) ?? DefaultGeminiBaseUrl),
            ApiKey = apiKey,
            EmbeddingTaskType = NonEmpty(config.GetString("embedding_task_type")),
            Timeouts = config.Timeouts,
        };
    }

    /// <summary>
    /// Reads a <c>vertex</c> entry. The key file is not read here but on the first request (and again after a failure),
    /// so a missing or broken file is a clear request-time error, and fixing it needs no restart.
    /// </summary>
    /// <exception cref="ArgumentException">No location or no credentials file anywhere, an <c>api_key</c>, or a malformed URL.</exception>
    public static GeminiProviderOptions ForVertex(ProviderConfig config, ProviderContext context)
    {
        if (!string.IsNullOrEmpty(config.ApiKey))
        {
            throw new ArgumentException($"Provider '{config.Name}': type vertex authenticates with a service-account key (credentials_file), not api_key.", nameof(config));
        }

        var location = NonEmpty(config.GetString("location")) ?? NonEmpty(context.GetEnvironmentVariable("GOOGLE_CLOUD_LOCATION"))
            ?? throw new ArgumentException($"Provider '{config.Name}': location is required (or set GOOGLE_CLOUD_LOCATION).", nameof(config));

        string credentialsFile;
        if (NonEmpty(config.GetString("credentials_file")) is { } configured)
        {
            credentialsFile = Path.GetFullPath(configured, context.ConfigDirectory ?? Directory.GetCurrentDirectory());
        }
        else if (NonEmpty(context.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS")) is { } fromEnvironment)
        {
            credentialsFile = Path.GetFullPath(fromEnvironment, Directory.GetCurrentDirectory());
        }
        else
        {
            throw new ArgumentException($"Provider '{config.Name}': credentials_file is required (or set GOOGLE_APPLICATION_CREDENTIALS).", nameof(config));
        }

        // Per the Vertex AI endpoint docs: regional hosts are {location}-aiplatform.googleapis.com; global has no prefix.
        var defaultBase = location == "global" ? "https://aiplatform.googleapis.com" : $"https://{location}-aiplatform.googleapis.com";
        var tokenUrl = NonEmpty(config.GetString("token_url"));
        if (tokenUrl is not null)
        {
            CheckBaseUrl(config.Name, tokenUrl);
        }

        return new GeminiProviderOptions
        {
            Name = config.Name,
            Vertex = true,
            BaseUrl = CheckBaseUrl(config.Name, NonEmpty(config.BaseUrl) ?? defaultBase),
            Project = NonEmpty(config.GetString("project")) ?? NonEmpty(context.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT")),
            Location = location,
            CredentialsFile = credentialsFile,
            TokenUrl = tokenUrl,
            EmbeddingTaskType = NonEmpty(config.GetString("embedding_task_type")),
            Timeouts = config.Timeouts,
        };
    }

    private static string CheckBaseUrl(string name, string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Provider '{name}': '{url}' is not an absolute http(s) URL.", nameof(url));
        }

        return url.Trim().TrimEnd('/');
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
