using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Cohere;

/// <summary>
/// Translates Cohere v2 chat stream events (https://docs.cohere.com/docs/streaming; each event's JSON names its
/// <c>type</c>) into <see cref="ChatStreamUpdate"/>s: <c>message-start</c> (role), <c>content-delta</c> (text, or
/// <c>thinking</c> on reasoning models), <c>tool-plan-delta</c> (text), <c>tool-call-start</c>/<c>-delta</c> (tool
/// calls by event index), and <c>message-end</c> (finish reason and usage). Start/end and citation events carry nothing
/// the canonical stream needs. One instance per stream; not thread-safe.
/// </summary>
public sealed class CohereStreamTranslator
{
    private string? _id;

    /// <summary>Whether <c>message-end</c> has arrived.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Translates one event's data.</summary>
    public void Translate(ReadOnlySpan<byte> json, List<ChatStreamUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var message = root.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object &&
                delta.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var index = root.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
            switch (CohereMapper.GetString(root, "type"))
            {
                case "message-start":
                    _id = CohereMapper.GetString(root, "id");
                    updates.Add(new ChatStreamUpdate { Id = _id, Role = ChatRole.Assistant });
                    break;
                case "content-delta" when message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content):
                    var text = CohereMapper.GetString(content, "text");
                    var thinking = CohereMapper.GetString(content, "thinking");
                    if (!string.IsNullOrEmpty(text) || !string.IsNullOrEmpty(thinking))
                    {
                        updates.Add(new ChatStreamUpdate
                        {
                            Id = _id,
                            TextDelta = string.IsNullOrEmpty(text) ? null : text,
                            ThinkingDelta = string.IsNullOrEmpty(thinking) ? null : thinking,
                        });
                    }

                    break;
                case "tool-plan-delta" when CohereMapper.GetString(message, "tool_plan") is { Length: > 0 } plan:
                    updates.Add(new ChatStreamUpdate { Id = _id, TextDelta = plan });
                    break;
                case "tool-call-start" or "tool-call-delta" when message.ValueKind == JsonValueKind.Object && message.TryGetProperty("tool_calls", out var call):
                    var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
                    updates.Add(new ChatStreamUpdate
                    {
                        Id = _id,
                        ToolCalls =
                        [
                            new ToolCallUpdate(
                                index,
                                CohereMapper.GetString(call, "id"),
                                CohereMapper.GetString(function, "name"),
                                CohereMapper.GetString(function, "arguments")),
                        ],
                    });
                    break;
                case "message-end":
                    IsComplete = true;
                    var end = root.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
                    var finish = CohereMapper.ParseFinishReason(CohereMapper.GetString(end, "finish_reason")) ?? FinishReason.Stop;
                    updates.Add(new ChatStreamUpdate { Id = _id, FinishReason = finish });
                    if (end.ValueKind == JsonValueKind.Object && end.TryGetProperty("usage", out var usageElement) && CohereMapper.ReadUsage(usageElement) is { } usage)
                    {
                        updates.Add(new ChatStreamUpdate { Id = _id, Usage = usage });
                    }

                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw CohereMapper.Invalid("The Cohere upstream sent a stream event that is not valid JSON.", ex);
        }
    }
}
