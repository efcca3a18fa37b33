using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tollgate.Testing.Anthropic;

/// <summary>The fake's deterministic answer to a valid request: echo text, or a tool call, with word-count usage.</summary>
internal sealed partial record FakeAnthropicAnswer(
    string? Text,
    string? ToolName,
    JsonObject? ToolInput,
    IReadOnlyList<string> TextChunks,
    string StopReason,
    string? StopSequence,
    int InputTokens,
    int OutputTokens)
{
    public static FakeAnthropicAnswer Create(JsonObject body)
    {
        var messages = body["messages"]!.AsArray();
        var inputTokens = CountWords(TextOf(body["system"])) + messages.Sum(m => CountWords(TextOf(m?["content"])));
        var lastUser = messages.LastOrDefault(m => (string?)m?["role"] == "user");
        var text = TextOf(lastUser?["content"]);

        // "call:" is looked for in the user's own words: the last text block, after any tool results.
        var ownWords = lastUser?["content"] is JsonArray userBlocks
            ? (string?)userBlocks.OfType<JsonObject>().LastOrDefault(b => (string?)b["type"] == "text")?["text"] ?? string.Empty
            : text;

        // A tool call when the request forces one, or the user asks with "call:".
        var tools = body["tools"] as JsonArray;
        var choiceType = (string?)body["tool_choice"]?["type"];
        if (tools is { Count: > 0 } && (choiceType is "any" or "tool" || ownWords.StartsWith("call:", StringComparison.Ordinal)) && choiceType != "none")
        {
            var name = choiceType == "tool" ? (string?)body["tool_choice"]?["name"] : (string?)tools[0]?["name"];
            return new FakeAnthropicAnswer(null, name ?? "tool", new JsonObject { ["echo"] = text }, [], "tool_use", null, inputTokens, Math.Max(1, CountWords(text)));
        }

        var answer = text;
        var stopReason = "end_turn";
        string? stopSequence = null;
        if (body["stop_sequences"] is JsonArray stops)
        {
            var cut = -1;
            foreach (var stop in stops.Select(s => (string?)s).Where(s => !string.IsNullOrEmpty(s)))
            {
                var at = answer.IndexOf(stop!, StringComparison.Ordinal);
                if (at >= 0 && (cut < 0 || at < cut))
                {
                    cut = at;
                    stopSequence = stop;
                }
            }

            if (cut >= 0)
            {
                answer = answer[..cut];
                stopReason = "stop_sequence";
            }
        }

        var chunks = WordChunk().Matches(answer).Select(m => m.Value).ToList();
        var maxTokens = (int)body["max_tokens"]!;
        if (chunks.Count > maxTokens)
        {
            chunks = chunks[..maxTokens];
            stopReason = "max_tokens";
            stopSequence = null;
            answer = string.Concat(chunks);
        }

        return new FakeAnthropicAnswer(answer, null, null, chunks, stopReason, stopSequence, inputTokens, chunks.Count);
    }

    /// <summary>The text of a content value: a string, or the text of its blocks (tool_result content included).</summary>
    public static string TextOf(JsonNode? content)
    {
        if (content is JsonValue value)
        {
            return (string?)value ?? string.Empty;
        }

        if (content is not JsonArray blocks)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        foreach (var block in blocks.OfType<JsonObject>())
        {
            switch ((string?)block["type"])
            {
                case "text":
                    parts.Add((string?)block["text"] ?? string.Empty);
                    break;
                case "tool_result":
                    parts.Add(TextOf(block["content"]));
                    break;
            }
        }

        return string.Join(" ", parts.Where(p => p.Length > 0));
    }

    public static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\s*\S+")]
    private static partial Regex WordChunk();
}
