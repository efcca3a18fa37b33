using Tollgate.Core.Configuration;

namespace Tollgate.Providers.Bedrock;

/// <summary>A <c>bedrock</c> provider's settings, parsed once from its <see cref="ProviderConfig"/>.</summary>
internal sealed record BedrockProviderOptions
{
    /// <summary>The SigV4 signing name of the Bedrock Runtime endpoints.</summary>
    public const string SigningService = "bedrock";

    /// <summary>The provider's config name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>The signing region.</summary>
    public required string Region { get; init; }

    /// <summary>The endpoint, without a trailing slash: <c>base_url</c>, else <c>https://bedrock-runtime.{region}.amazonaws.com</c>.</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>The credentials; never logged.</summary>
    public required AwsCredentials Credentials { get; init; }

    /// <summary>The upstream timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>
    /// Parses <paramref name="config"/>. <c>region</c>, <c>access_key_id</c>, <c>secret_access_key</c> and <c>session_token</c>
    /// fall back to <c>AWS_REGION</c> (then <c>AWS_DEFAULT_REGION</c>), <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and
    /// <c>AWS_SESSION_TOKEN</c>. An empty value counts as unset.
    /// </summary>
    /// <exception cref="ArgumentException">No region, or no access key pair, or <c>api_key</c> (Bedrock is signed, not keyed).</exception>
    public static BedrockProviderOptions FromConfig(ProviderConfig config, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);

        string? Setting(string key, params string[] variables)
        {
            if (config.GetString(key) is { Length: > 0 } value)
            {
                return value.Trim();
            }

            foreach (var variable in variables)
            {
                if (getEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
                {
                    return fromEnvironment.Trim();
                }
            }

            return null;
        }

        if (!string.IsNullOrEmpty(config.ApiKey))
        {
            throw new ArgumentException(
                $"Provider '{config.Name}': type bedrock signs requests with AWS credentials; use access_key_id and secret_access_key instead of api_key.",
                nameof(config));
        }

        var region = Setting("region", "AWS_REGION", "AWS_DEFAULT_REGION")
            ?? throw new ArgumentException($"Provider '{config.Name}': no region: set region, or AWS_REGION / AWS_DEFAULT_REGION.", nameof(config));
        var accessKeyId = Setting("access_key_id", "AWS_ACCESS_KEY_ID");
        var secretAccessKey = Setting("secret_access_key", "AWS_SECRET_ACCESS_KEY");
        if (accessKeyId is null || secretAccessKey is null)
        {
            throw new ArgumentException(
                $"Provider '{config.Name}': no AWS credentials: set access_key_id and secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                nameof(config));
        }

        var baseUrl = string.IsNullOrWhiteSpace(config.BaseUrl) ? $"https://bedrock-runtime.{region}.amazonaws.com" : config.BaseUrl.Trim();
        if (!Uri.TryCreate(baseUrl.TrimEnd('/'), UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Provider '{config.Name}': base_url must be an absolute http(s) URL.", nameof(config));
        }

        return new BedrockProviderOptions
        {
            Name = config.Name,
            Region = region,
            BaseUri = baseUri,
            Credentials = new AwsCredentials(accessKeyId, secretAccessKey, Setting("session_token", "AWS_SESSION_TOKEN")),
            Timeouts = config.Timeouts,
        };
    }

    /// <summary>The address of one operation on one model: the model id is percent-encoded as a single path segment.</summary>
    public Uri OperationUri(string modelId, string operation) =>
        new(BaseUri.AbsoluteUri.TrimEnd('/') + "/model/" + Uri.EscapeDataString(modelId) + "/" + operation, UriKind.Absolute);
}
