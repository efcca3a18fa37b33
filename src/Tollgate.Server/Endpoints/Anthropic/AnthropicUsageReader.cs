using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>Reads Anthropic usage objects into canonical <see cref="ChatUsage"/> (input tokens there include cache reads and writes).</summary>
internal static class AnthropicUsageReader
{
    /// <summary>
    /// Reads the usage of a JSON message (non-streaming answer), a <c>message_start</c> event (its
    /// <c>message.usage</c>) or a <c>message_delta</c> event (its <c>usage</c>, cumulative), merged over
    /// <paramref name="previous"/>: fields an event leaves out keep their earlier values.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, ChatUsage? previous, out ChatUsage usage)
    {
        usage = previous ?? new ChatUsage();
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var holder = root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object ? message : root;
            if (!holder.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var baseInput = previous is null ? 0 : previous.InputTokens - previous.CachedInputTokens - previous.CacheWriteTokens;
            var input = Read(u, "input_tokens") ?? baseInput;
            var cacheWrite = Read(u, "cache_creation_input_tokens") ?? previous?.CacheWriteTokens ?? 0;
            var cacheRead = Read(u, "cache_read_input_tokens") ?? previous?.CachedInputTokens ?? 0;
            var output = Read(u, "output_tokens") ?? previous?.OutputTokens ?? 0;
            usage = new ChatUsage
            {
                InputTokens = input + cacheWrite + cacheRead,
                CachedInputTokens = cacheRead,
                CacheWriteTokens = cacheWrite,
                OutputTokens = output,
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static long? Read(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
