using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Turns ConverseStream event-stream messages into <see cref="ChatStreamUpdate"/>s, one message at a time. Stateful and
/// not thread-safe: one instance per stream.
/// </summary>
/// <remarks>
/// Event order per https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html:
/// <c>messageStart</c>, then per content block an optional <c>contentBlockStart</c> (tool use only),
/// <c>contentBlockDelta</c>s and <c>contentBlockStop</c>, then <c>messageStop</c> (stop reason), then <c>metadata</c>
/// (usage, metrics). Unknown event types are ignored; an <c>exception</c> message (such as <c>throttlingException</c>)
/// throws with its status; an <c>error</c> message (<c>:error-code</c>, <c>:error-message</c>) throws as a 500.
/// </remarks>
internal sealed class BedrockStreamTranslator
{
    private readonly bool _jsonMode;
    private readonly string _id;
    private readonly string _model;
    private readonly Dictionary<int, BlockState> _blocks = [];
    private int _toolCount;
    private bool _sawToolCall;

    public BedrockStreamTranslator(bool jsonMode, string id, string model)
    {
        _jsonMode = jsonMode;
        _id = id;
        _model = model;
    }

    private enum BlockKind
    {
        Tool,
        JsonTool,
    }

    /// <summary>Whether <c>messageStop</c> has arrived.</summary>
    public bool SawMessageStop { get; private set; }

    /// <summary>Whether <c>metadata</c> (the last event) has arrived: the stream is complete.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Translates one message, appending any updates to <paramref name="updates"/>.</summary>
    /// <exception cref="ProviderException">An exception or error message, or a payload that is not an event.</exception>
    public void Translate(AwsEventStreamMessage message, List<ChatStreamUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.MessageType)
        {
            case "exception":
                throw BedrockMapper.MapStreamException(message.ExceptionType, message.Payload.Span);
            case "error":
                var code = message.Headers.TryGetValue(":error-code", out var c) ? c : "InternalFailure";
                var text = message.Headers.TryGetValue(":error-message", out var m) && m.Length > 0 ? m : "The Bedrock upstream reported an error mid-stream.";
                throw new ProviderException(ProviderErrorKind.Upstream, 500, text) { ErrorType = "api_error", ErrorCode = code };
            case "event" or null:
                break;
            default:
                return;
        }

        BedrockStreamEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(message.Payload.Span, BedrockJsonContext.Default.BedrockStreamEvent);
        }
        catch (JsonException ex)
        {
            throw new ProviderException(ProviderErrorKind.InvalidResponse, 502, "The Bedrock upstream sent a stream event that is not valid JSON.", ex)
            {
                ErrorType = "api_error",
                ErrorCode = "invalid_upstream_response",
            };
        }

        if (e is null)
        {
            return;
        }

        switch (message.EventType)
        {
            case "messageStart":
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, Role = ChatRole.Assistant });
                break;
            case "contentBlockStart":
                OnBlockStart(e.ContentBlockIndex ?? 0, e.Start, updates);
                break;
            case "contentBlockDelta":
                OnBlockDelta(e.ContentBlockIndex ?? 0, e.Delta, updates);
                break;
            case "messageStop":
                SawMessageStop = true;
                var finish = BedrockMapper.MapStopReason(e.StopReason);
                if (finish == FinishReason.ToolCalls && !_sawToolCall)
                {
                    // Only the JSON-mode tool was called: to the client that is a plain answer.
                    finish = FinishReason.Stop;
                }

                if (finish is not null)
                {
                    updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, FinishReason = finish });
                }

                break;
            case "metadata":
                IsComplete = true;
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, Usage = e.Usage is { } usage ? BedrockMapper.MapUsage(usage) : new ChatUsage() });
                break;
            default:
                // contentBlockStop, and event types added after this was written.
                break;
        }
    }

    private void OnBlockStart(int index, BedrockBlockStart? start, List<ChatStreamUpdate> updates)
    {
        if (start?.ToolUse is not { } toolUse)
        {
            return;
        }

        if (_jsonMode && toolUse.Name == BedrockMapper.JsonToolName)
        {
            _blocks[index] = new BlockState(BlockKind.JsonTool, -1);
            return;
        }

        var toolIndex = _toolCount++;
        _sawToolCall = true;
        _blocks[index] = new BlockState(BlockKind.Tool, toolIndex);
        updates.Add(Update(toolCall: new ToolCallUpdate(toolIndex, toolUse.ToolUseId, toolUse.Name, string.Empty)));
    }

    private void OnBlockDelta(int index, BedrockBlockDelta? delta, List<ChatStreamUpdate> updates)
    {
        if (delta is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(delta.Text))
        {
            updates.Add(Update(textDelta: delta.Text));
        }

        if (delta.ToolUse?.Input is { Length: > 0 } fragment && _blocks.TryGetValue(index, out var block))
        {
            updates.Add(block.Kind == BlockKind.JsonTool
                ? Update(textDelta: fragment)
                : Update(toolCall: new ToolCallUpdate(block.ToolIndex, null, null, fragment)));
        }

        if (delta.ReasoningContent is { } reasoning)
        {
            if (!string.IsNullOrEmpty(reasoning.Text))
            {
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, ThinkingDelta = reasoning.Text });
            }

            if (!string.IsNullOrEmpty(reasoning.Signature))
            {
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, ThinkingSignature = reasoning.Signature, SignatureFamily = SignatureFamilies.Anthropic });
            }

            if (!string.IsNullOrEmpty(reasoning.RedactedContent))
            {
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, RedactedThinking = reasoning.RedactedContent, SignatureFamily = SignatureFamilies.Anthropic });
            }
        }
    }

    private ChatStreamUpdate Update(string? textDelta = null, ToolCallUpdate? toolCall = null) => new()
    {
        Id = _id,
        Model = _model,
        TextDelta = textDelta,
        ToolCalls = toolCall is null ? null : [toolCall],
    };

    private readonly record struct BlockState(BlockKind Kind, int ToolIndex);
}
