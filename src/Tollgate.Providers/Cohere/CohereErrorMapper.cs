using System.Text.Json;
using Tollgate.Core.Http;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Cohere;

/// <summary>
/// Cohere answers errors as <c>{"id":"...","message":"..."}</c> with the HTTP status saying what went wrong (400 bad
/// request, 401 invalid token, 429 too many requests, 498 invalid token, 499 request cancelled, 500 internal error...;
/// https://docs.cohere.com/reference/errors). The status picks the OpenAI error type.
/// </summary>
public static class CohereErrorMapper
{
    /// <summary>Maps a non-success status and body.</summary>
    public static ProviderException ToException(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time)
    {
        string? message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            message = CohereMapper.GetString(document.RootElement, "message");
        }
        catch (JsonException)
        {
            // Not JSON: the generic message below.
        }

        // 498 is Cohere's "invalid token"; clients understand 401.
        var clientStatus = status == 498 ? 401 : status;
        return new ProviderException(ProviderErrorKind.Upstream, clientStatus, message ?? $"The Cohere upstream answered with status {status}.")
        {
            ErrorType = OpenAIErrorMapper.DefaultType(clientStatus),
            RetryAfter = UpstreamHttp.ParseRetryAfter(headers, time),
        };
    }
}
