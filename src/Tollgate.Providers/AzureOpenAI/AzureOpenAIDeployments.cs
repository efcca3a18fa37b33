using System.Collections.Concurrent;
using System.Text.Json;

namespace Tollgate.Providers.AzureOpenAI;

/// <summary>
/// Builds Azure's per-deployment URLs from the <c>model</c> field of a request body, which the gateway has already
/// rewritten to the deployment's <c>model:</c> (the Azure deployment name). URLs are cached per deployment. Thread-safe.
/// </summary>
internal sealed class AzureOpenAIDeployments
{
    private readonly Uri _baseUrl;
    private readonly string _apiVersion;
    private readonly ConcurrentDictionary<string, (Uri Chat, Uri Embeddings)> _urls = new(StringComparer.Ordinal);

    public AzureOpenAIDeployments(Uri baseUrl, string apiVersion)
    {
        _baseUrl = baseUrl;
        _apiVersion = Uri.EscapeDataString(apiVersion);
    }

    /// <summary>The URL for <paramref name="operation"/> on the deployment named by <paramref name="body"/>'s <c>model</c>.</summary>
    /// <exception cref="ProviderException">The body names no deployment (400).</exception>
    public Uri Resolve(ApiOperation operation, ReadOnlyMemory<byte> body)
    {
        var deployment = ReadModel(body.Span);
        if (string.IsNullOrEmpty(deployment))
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, "An Azure OpenAI request must name its deployment in 'model'.")
            {
                ErrorType = "invalid_request_error",
                Param = "model",
            };
        }

        var urls = _urls.GetOrAdd(deployment, static (name, self) => self.Create(name), this);
        return operation == ApiOperation.Embeddings ? urls.Embeddings : urls.Chat;
    }

    /// <summary>The top-level <c>model</c> string of a JSON object, or <see langword="null"/>; other values are skipped, not parsed.</summary>
    internal static string? ReadModel(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the caller reports the missing deployment.
        }

        return null;
    }

    private (Uri Chat, Uri Embeddings) Create(string deployment)
    {
        var prefix = $"openai/deployments/{Uri.EscapeDataString(deployment)}/";
        return (new Uri(_baseUrl, $"{prefix}chat/completions?api-version={_apiVersion}"), new Uri(_baseUrl, $"{prefix}embeddings?api-version={_apiVersion}"));
    }
}
