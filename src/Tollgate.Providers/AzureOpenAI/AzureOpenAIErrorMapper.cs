using System.Text;
using System.Text.Json;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.AzureOpenAI;

/// <summary>
/// Azure answers errors in OpenAI's shape, and adds <c>innererror</c> to content-filter refusals
/// (<c>400</c>, <c>code: content_filter</c>, <c>innererror.content_filter_result</c> with one entry per category:
/// https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter). Those get a message naming the
/// categories that were filtered, so a client can tell a policy refusal from a malformed request.
/// </summary>
public static class AzureOpenAIErrorMapper
{
    /// <summary>Maps a non-success status and body.</summary>
    public static ProviderException ToException(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time)
    {
        var error = OpenAIErrorMapper.ToException(status, body, headers, time);
        if (error.ErrorCode != "content_filter")
        {
            return error;
        }

        var categories = FilteredCategories(body);
        var message = categories.Length == 0
            ? $"Azure OpenAI's content filter refused the request: {error.Message}"
            : $"Azure OpenAI's content filter refused the request ({categories}): {error.Message}";
        return new ProviderException(ProviderErrorKind.Upstream, status, message)
        {
            ErrorType = "invalid_request_error",
            ErrorCode = "content_filter",
            Param = error.Param,
            RetryAfter = error.RetryAfter,
        };
    }

    private static string FilteredCategories(ReadOnlySpan<byte> body)
    {
        var names = new StringBuilder();
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                error.TryGetProperty("innererror", out var inner) && inner.ValueKind == JsonValueKind.Object &&
                inner.TryGetProperty("content_filter_result", out var result) && result.ValueKind == JsonValueKind.Object)
            {
                foreach (var category in result.EnumerateObject())
                {
                    if (category.Value.ValueKind != JsonValueKind.Object ||
                        !category.Value.TryGetProperty("filtered", out var filtered) || filtered.ValueKind != JsonValueKind.True)
                    {
                        continue;
                    }

                    if (names.Length > 0)
                    {
                        names.Append(", ");
                    }

                    names.Append(category.Name);
                    if (category.Value.TryGetProperty("severity", out var severity) && severity.ValueKind == JsonValueKind.String)
                    {
                        names.Append(" (").Append(severity.GetString()).Append(')');
                    }
                }
            }
        }
        catch (JsonException)
        {
            // The generic message stands.
        }

        return names.ToString();
    }
}
