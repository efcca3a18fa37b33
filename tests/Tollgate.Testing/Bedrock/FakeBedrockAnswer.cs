using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tollgate.Testing.Bedrock;

/// <summary>The fake's deterministic answer to a valid Converse request: echo text, or a tool call, with word-count usage.</summary>
internal sealed partial record FakeBedrockAnswer(
    string? Text,
    string? ToolName,
    JsonObject? ToolInput,
    IReadOnlyList<string> TextChunks,
    string StopReason,
    int InputTokens,
    int OutputTokens,
    string? Reasoning,
    string? Signature)
{
    public static FakeBedrockAnswer Create(string modelId, JsonObject body)
    {
        var messages = body["messages"]!.AsArray();
        var system = string.Join(" ", (body["system"] as JsonArray ?? []).Select(b => (string?)b?["text"]).Where(t => !string.IsNullOrEmpty(t)));
        var inputTokens = CountWords(system) + messages.Sum(m => CountWords(TextOf(m?["content"])));
        var lastUser = messages.LastOrDefault(m => (string?)m?["role"] == "user");
        var text = TextOf(lastUser?["content"]);

        // Thinking: Claude model ids asked for it answer with a signed reasoning block first.
        string? reasoning = null, signature = null;
        if (modelId.Contains("anthropic.claude", StringComparison.Ordinal) && (string?)body["additionalModelRequestFields"]?["thinking"]?["type"] == "enabled")
        {
            reasoning = "Thinking about: " + text;
            signature = "sig-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(reasoning)))[..16];
        }

        // A tool call when the request forces one, or the user asks with "call:".
        var tools = body["toolConfig"]?["tools"] as JsonArray;
        var choice = body["toolConfig"]?["toolChoice"] as JsonObject;
        var forced = choice is not null && (choice.ContainsKey("any") || choice.ContainsKey("tool"));
        // "call:" is looked for in the user's own words: the last text block, after any tool results.
        var ownWords = lastUser?["content"] is JsonArray userBlocks
            ? (string?)userBlocks.OfType<JsonObject>().LastOrDefault(b => b["text"] is not null)?["text"] ?? string.Empty
            : text;
        if (tools is { Count: > 0 } && (forced || ownWords.StartsWith("call:", StringComparison.Ordinal)))
        {
            var name = (string?)choice?["tool"]?["name"] ?? (string?)tools.First(t => t?["toolSpec"] is not null)?["toolSpec"]?["name"];
            return new FakeBedrockAnswer(null, name ?? "tool", new JsonObject { ["echo"] = text }, [], "tool_use", inputTokens, Math.Max(1, CountWords(text)), reasoning, signature);
        }

        var answer = text;
        var stopReason = "end_turn";
        if (body["inferenceConfig"]?["stopSequences"] is JsonArray stops)
        {
            var cut = -1;
            foreach (var stop in stops.Select(s => (string?)s).Where(s => !string.IsNullOrEmpty(s)))
            {
                var at = answer.IndexOf(stop!, StringComparison.Ordinal);
                if (at >= 0 && (cut < 0 || at < cut))
                {
                    cut = at;
                }
            }

            if (cut >= 0)
            {
                answer = answer[..cut];
                stopReason = "stop_sequence";
            }
        }

        var chunks = WordChunk().Matches(answer).Select(m => m.Value).ToList();
        if (body["inferenceConfig"]?["maxTokens"] is JsonValue max && (int)max < chunks.Count)
        {
            chunks = chunks[..(int)max];
            stopReason = "max_tokens";
            answer = string.Concat(chunks);
        }

        return new FakeBedrockAnswer(answer, null, null, chunks, stopReason, inputTokens, chunks.Count, reasoning, signature);
    }

    /// <summary>The text of a content array: its text blocks and the text of its tool results.</summary>
    public static string TextOf(JsonNode? content)
    {
        if (content is not JsonArray blocks)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        foreach (var block in blocks.OfType<JsonObject>())
        {
            if (block["text"] is JsonValue text)
            {
                parts.Add((string?)text ?? string.Empty);
            }
            else if (block["toolResult"]?["content"] is JsonArray result)
            {
                parts.Add(TextOf(result));
            }
        }

        return string.Join(" ", parts.Where(p => p.Length > 0));
    }

    public static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\s*\S+")]
    private static partial Regex WordChunk();
}
