using System.Text;
using System.Text.Json;
using Tollgate.Core.Http;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Mistral;

/// <summary>
/// Mistral's error answers come in several shapes: <c>{"object":"error","message":"...","type":"rate_limited","param":null,"code":"1300"}</c>,
/// the same with <c>message</c> holding a validation object (<c>{"detail":[{"loc":[...],"msg":"..."}]}</c>) for 422s,
/// and a bare <c>{"message":"..."}</c> from its gateway. All become a <see cref="ProviderException"/> in OpenAI's vocabulary.
/// </summary>
public static class MistralErrorMapper
{
    /// <summary>Maps a non-success status and body.</summary>
    public static ProviderException ToException(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time)
    {
        string? message = null, type = null, code = null, param = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                message = root.TryGetProperty("message", out var m) ? Describe(m) : root.TryGetProperty("detail", out var d) ? Describe(d) : null;
                type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                param = root.TryGetProperty("param", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                code = root.TryGetProperty("code", out var c) ? c.ValueKind switch
                {
                    JsonValueKind.String => c.GetString(),
                    JsonValueKind.Number => c.GetRawText(),
                    _ => null,
                } : null;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the generic message below.
        }

        return new ProviderException(ProviderErrorKind.Upstream, status, message ?? $"The Mistral upstream answered with status {status}.")
        {
            ErrorType = type switch
            {
                "rate_limited" => "rate_limit_error",
                "invalid_request_error" or "authentication_error" or "permission_error" or "rate_limit_error" or "api_error" => type,
                _ => OpenAIErrorMapper.DefaultType(status),
            },
            ErrorCode = code,
            Param = param,
            RetryAfter = UpstreamHttp.ParseRetryAfter(headers, time),
        };
    }

    // A string as it is; a validation object ({"detail":[{"loc":["body","x"],"msg":"..."}]}) as "body.x: ...; ...".
    private static string? Describe(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Object when value.TryGetProperty("detail", out var detail):
                return Describe(detail);
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var item in value.EnumerateArray())
                {
                    if (text.Length > 0)
                    {
                        text.Append("; ");
                    }

                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array)
                    {
                        text.AppendJoin('.', loc.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : l.GetRawText())).Append(": ");
                    }

                    text.Append(item.ValueKind == JsonValueKind.Object && item.TryGetProperty("msg", out var msg) && msg.ValueKind == JsonValueKind.String ? msg.GetString() : item.GetRawText());
                }

                return text.Length == 0 ? null : text.ToString();
            case JsonValueKind.Object:
                return value.GetRawText();
            default:
                return null;
        }
    }
}
