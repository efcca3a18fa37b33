using System.Globalization;
using System.Text.Json;
using Tollgate.Core.Http;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>Reads an Anthropic upstream's error answer (<c>{"type":"error","error":{"type","message"}}</c>) on the pass-through.</summary>
internal static class AnthropicUpstreamError
{
    /// <summary>
    /// The exception for a non-success answer: the Anthropic type is kept as <see cref="ProviderException.ErrorCode"/>
    /// (so the client gets it back as sent), the OpenAI-vocabulary type for metering. Bodies that are not
    /// Anthropic-shaped (a proxy's HTML page) get a generic message.
    /// </summary>
    public static ProviderException ToException(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time)
    {
        string? type = null, message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the status still says what happened.
        }

        return new ProviderException(
            ProviderErrorKind.Upstream,
            status,
            string.IsNullOrEmpty(message) ? string.Create(CultureInfo.InvariantCulture, $"The Anthropic upstream answered with status {status}.") : message)
        {
            ErrorType = OpenAIErrorMapper.DefaultType(status),
            ErrorCode = type,
            RetryAfter = UpstreamHttp.ParseRetryAfter(headers, time),
        };
    }
}
