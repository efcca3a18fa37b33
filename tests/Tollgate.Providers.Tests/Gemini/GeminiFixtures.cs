using System.Text.Json.Nodes;
using Tollgate.Chat;

namespace Tollgate.Providers.Tests.Gemini;

/// <summary>Loads the golden files under Fixtures/gemini and puts canonical results in a comparable JSON shape.</summary>
internal static class GeminiFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "gemini", name);

    public static string ReadText(string name) => File.ReadAllText(Path(name));

    public static JsonNode ReadJson(string name) => JsonNode.Parse(ReadText(name))!;

    /// <summary>Semantic comparison: object member order does not matter, everything else does.</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");

    public static JsonObject Normalize(ChatStreamUpdate update)
    {
        var o = new JsonObject();
        if (update.Role is { } role)
        {
            o["role"] = role.ToString().ToLowerInvariant();
        }

        if (update.ThinkingDelta is { } thinking)
        {
            o["thinking"] = thinking;
        }

        if (update.ThinkingSignature is { } signature)
        {
            o["signature"] = signature;
            o["family"] = update.SignatureFamily;
        }

        if (update.TextDelta is { } text)
        {
            o["text"] = text;
        }

        foreach (var call in update.ToolCalls ?? [])
        {
            o["tool_call"] = new JsonObject
            {
                ["index"] = call.Index,
                ["id"] = call.Id is { } id && id.StartsWith("call_", StringComparison.Ordinal) ? "@generated" : call.Id,
                ["name"] = call.Name,
                ["arguments"] = call.ArgumentsDelta,
                ["signature"] = call.Signature,
                ["family"] = call.SignatureFamily,
            };
        }

        if (update.FinishReason is { } finish)
        {
            o["finish_reason"] = finish switch
            {
                FinishReason.Stop => "stop",
                FinishReason.Length => "length",
                FinishReason.ToolCalls => "tool_calls",
                _ => "content_filter",
            };
        }

        if (update.Usage is { } usage)
        {
            o["usage"] = new JsonObject
            {
                ["input"] = usage.InputTokens,
                ["cached"] = usage.CachedInputTokens,
                ["output"] = usage.OutputTokens,
                ["reasoning"] = usage.ReasoningTokens,
            };
        }

        return o;
    }
}
