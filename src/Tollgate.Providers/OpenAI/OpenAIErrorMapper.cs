using System.Text.Json;
using Tollgate.Core.Http;

namespace Tollgate.Providers.OpenAI;

/// <summary>Turns an OpenAI-format error response (<c>{"error":{"message","type","param","code"}}</c>) into a <see cref="ProviderException"/>.</summary>
public static class OpenAIErrorMapper
{
    /// <summary>Maps a non-success status and body; bodies that are not OpenAI-shaped get a generic message.</summary>
    public static ProviderException ToException(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time)
    {
        string? message = null, type = null, code = null, param = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    (message, type, param, code) = ReadFields(error);
                }
                else if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString();
                }
            }
            else if (root.ValueKind == JsonValueKind.Object && GetString(root, "object") == "error")
            {
                // vLLM and other OpenAI-compatible servers put the fields at the top level: {"object":"error","message":...}.
                (message, type, param, code) = ReadFields(root);
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy, say): fall back to the generic message below.
        }

        return new ProviderException(ProviderErrorKind.Upstream, status, message ?? $"The upstream answered with status {status}.")
        {
            ErrorType = type ?? DefaultType(status),
            ErrorCode = code,
            Param = param,
            RetryAfter = UpstreamHttp.ParseRetryAfter(headers, time),
        };
    }

    /// <summary>The OpenAI error type for a status when the upstream gave none.</summary>
    public static string DefaultType(int status) => status switch
    {
        400 or 404 or 409 or 413 or 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        429 => "rate_limit_error",
        _ => "api_error",
    };

    private static (string? Message, string? Type, string? Param, string? Code) ReadFields(JsonElement error) => (
        GetString(error, "message"),
        GetString(error, "type"),
        GetString(error, "param"),
        error.TryGetProperty("code", out var c) ? c.ValueKind switch
        {
            JsonValueKind.String => c.GetString(),
            JsonValueKind.Number => c.GetRawText(),
            _ => null,
        } : null);

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
