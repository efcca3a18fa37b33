using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

/// <summary>Loads the golden files under Fixtures/anthropic and puts canonical results in a comparable JSON shape.</summary>
internal static class AnthropicFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "anthropic", name);

    public static string ReadText(string name) => File.ReadAllText(Path(name));

    public static JsonNode ReadJson(string name) => JsonNode.Parse(ReadText(name))!;

    public static AnthropicProviderOptions Options(string name = "claude", IReadOnlyDictionary<string, ConfigValue>? settings = null) =>
        AnthropicProviderOptions.FromConfig(new ProviderConfig
        {
            Name = name,
            Type = "anthropic",
            ApiKey = "sk-ant-test",
            Settings = settings ?? new Dictionary<string, ConfigValue>(),
        });

    /// <summary>Semantic comparison: object member order does not matter, everything else does.</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual)
    {
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");
    }

    /// <summary>
    /// The fields every response fixture states, plus <c>stop_sequence</c> when set and <c>parts</c> (every part in
    /// order) when the message has reasoning or citations.
    /// </summary>
    public static JsonObject Normalize(ChatResponse response)
    {
        var choice = Assert.Single(response.Choices);
        var o = new JsonObject
        {
            ["id"] = response.Id,
            ["model"] = response.Model,
            ["text"] = choice.Message.GetText(),
            ["finish_reason"] = Name(choice.FinishReason),
            ["tool_calls"] = choice.Message.ToolCalls is { } calls
                ? new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["name"] = c.Name, ["arguments"] = c.ArgumentsJson })])
                : null,
            ["usage"] = Normalize(response.Usage),
        };
        if (choice.StopSequence is { } stopSequence)
        {
            o["stop_sequence"] = stopSequence;
        }

        if (choice.Message.Parts.Any(p => p is not TextPart || p is TextPart { Citations: not null }))
        {
            o["parts"] = new JsonArray([.. choice.Message.Parts.Select(Normalize)]);
        }

        return o;
    }

    public static JsonNode Normalize(ContentPart part) => part switch
    {
        ThinkingPart t => new JsonObject { ["type"] = "thinking", ["text"] = t.Text, ["signature"] = t.Signature, ["family"] = t.SignatureFamily },
        RedactedThinkingPart r => new JsonObject { ["type"] = "redacted_thinking", ["data"] = r.Data, ["family"] = r.SignatureFamily },
        TextPart { Citations: { } citations } t => new JsonObject { ["type"] = "text", ["text"] = t.Text, ["citations"] = JsonNode.Parse(citations.GetRawText()) },
        TextPart t => new JsonObject { ["type"] = "text", ["text"] = t.Text },
        _ => new JsonObject { ["type"] = part.GetType().Name },
    };

    public static JsonObject Normalize(ChatStreamUpdate update)
    {
        var o = new JsonObject();
        if (update.Role is { } role)
        {
            o["role"] = role.ToString().ToLowerInvariant();
        }

        if (update.TextDelta is { } text)
        {
            o["text"] = text;
        }

        if (update.ThinkingDelta is { } thinking)
        {
            o["thinking"] = thinking;
        }

        if (update.ThinkingSignature is { } signature)
        {
            o["signature"] = signature;
        }

        if (update.RedactedThinking is { } redacted)
        {
            o["redacted"] = redacted;
        }

        if (update.ThinkingSignature is not null || update.RedactedThinking is not null)
        {
            o["family"] = update.SignatureFamily;
        }

        if (update.Citations is { } citations)
        {
            o["citations"] = JsonNode.Parse(citations.GetRawText());
        }

        foreach (var call in update.ToolCalls ?? [])
        {
            o["tool_call"] = new JsonObject { ["index"] = call.Index, ["id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.ArgumentsDelta };
        }

        if (update.FinishReason is { } finish)
        {
            o["finish_reason"] = Name(finish);
        }

        if (update.StopSequence is { } stopSequence)
        {
            o["stop_sequence"] = stopSequence;
        }

        if (update.Usage is { } usage)
        {
            o["usage"] = Normalize(usage);
        }

        return o;
    }

    private static JsonObject? Normalize(ChatUsage? usage) => usage is null
        ? null
        : new JsonObject
        {
            ["input"] = usage.InputTokens,
            ["cached"] = usage.CachedInputTokens,
            ["cache_write"] = usage.CacheWriteTokens,
            ["output"] = usage.OutputTokens,
        };

    private static string? Name(FinishReason? reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => null,
    };
}
