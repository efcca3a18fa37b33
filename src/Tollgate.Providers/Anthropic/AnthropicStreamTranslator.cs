using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Turns Messages API stream events into <see cref="ChatStreamUpdate"/>s, one event at a time. Stateful and not
/// thread-safe: one instance per stream.
/// </summary>
/// <remarks>
/// Event order per https://docs.claude.com/en/docs/build-with-claude/streaming: <c>message_start</c>, then per content
/// block <c>content_block_start</c>, <c>content_block_delta</c>s and <c>content_block_stop</c>, then <c>message_delta</c>
/// (stop reason; its usage is cumulative), then <c>message_stop</c>. <c>ping</c> and unknown event types are ignored,
/// as the documentation asks; an <c>error</c> event throws.
/// </remarks>
internal sealed class AnthropicStreamTranslator
{
    private readonly bool _jsonMode;
    private readonly Dictionary<int, BlockState> _blocks = [];
    private string? _id;
    private string? _model;
    private long _inputTokens;
    private long _cacheRead;
    private long _cacheWrite;
    private long _outputTokens;
    private int _toolCount;
    private bool _sawToolCall;

    public AnthropicStreamTranslator(bool jsonMode)
    {
        _jsonMode = jsonMode;
    }

    private enum BlockKind
    {
        Text,
        Tool,
        JsonTool,
        Ignored,
    }

    /// <summary>Whether <c>message_stop</c> has arrived: the stream is complete.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Translates one event's <c>data:</c> JSON, appending any updates to <paramref name="updates"/>.</summary>
    /// <exception cref="ProviderException">An <c>error</c> event, or data that is not an event.</exception>
    public void Translate(ReadOnlySpan<byte> data, List<ChatStreamUpdate> updates)
    {
        AnthropicStreamEvent? e;
        try
        {
            e = JsonSerializer.Deserialize(data, AnthropicJsonContext.Default.AnthropicStreamEvent);
        }
        catch (JsonException ex)
        {
            throw new ProviderException(ProviderErrorKind.InvalidResponse, 502, "The Anthropic upstream sent a stream event that is not valid JSON.", ex)
            {
                ErrorType = "api_error",
                ErrorCode = "invalid_upstream_response",
            };
        }

        switch (e?.Type)
        {
            case "message_start":
                OnMessageStart(e.Message, updates);
                break;
            case "content_block_start":
                OnBlockStart(e.Index ?? 0, e.ContentBlock, updates);
                break;
            case "content_block_delta":
                OnBlockDelta(e.Index ?? 0, e.Delta, updates);
                break;
            case "message_delta":
                OnMessageDelta(e, updates);
                break;
            case "message_stop":
                IsComplete = true;
                updates.Add(new ChatStreamUpdate
                {
                    Id = _id,
                    Model = _model,
                    Usage = AnthropicMapper.MapUsage(_inputTokens, _cacheRead, _cacheWrite, _outputTokens),
                });
                break;
            case "error":
                throw AnthropicMapper.MapStreamError(e.Error);
            default:
                // ping, content_block_stop, and event types added after this was written.
                break;
        }
    }

    private void OnMessageStart(AnthropicMessagesResponse? message, List<ChatStreamUpdate> updates)
    {
        _id = message?.Id;
        _model = message?.Model;
        AddUsage(message?.Usage);
        updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, Role = ChatRole.Assistant });
    }

    private void OnBlockStart(int index, AnthropicContentBlock? block, List<ChatStreamUpdate> updates)
    {
        switch (block?.Type)
        {
            case "text":
                _blocks[index] = new BlockState(BlockKind.Text, -1);
                if (!string.IsNullOrEmpty(block.Text))
                {
                    updates.Add(Update(textDelta: block.Text));
                }

                break;
            case "tool_use" when _jsonMode && block.Name == AnthropicMapper.JsonToolName:
                _blocks[index] = new BlockState(BlockKind.JsonTool, -1);
                break;
            case "tool_use":
                var toolIndex = _toolCount++;
                _sawToolCall = true;
                _blocks[index] = new BlockState(BlockKind.Tool, toolIndex);
                updates.Add(Update(toolCall: new ToolCallUpdate(toolIndex, block.Id, block.Name, string.Empty)));
                break;
            default:
                // thinking, redacted_thinking, server tools: not part of a chat completion for now.
                _blocks[index] = new BlockState(BlockKind.Ignored, -1);
                break;
        }
    }

    private void OnBlockDelta(int index, AnthropicStreamDelta? delta, List<ChatStreamUpdate> updates)
    {
        if (delta is null || !_blocks.TryGetValue(index, out var block))
        {
            return;
        }

        switch (delta.Type)
        {
            case "text_delta" when block.Kind == BlockKind.Text && !string.IsNullOrEmpty(delta.Text):
                updates.Add(Update(textDelta: delta.Text));
                break;
            case "input_json_delta" when block.Kind == BlockKind.Tool && !string.IsNullOrEmpty(delta.PartialJson):
                updates.Add(Update(toolCall: new ToolCallUpdate(block.ToolIndex, null, null, delta.PartialJson)));
                break;
            case "input_json_delta" when block.Kind == BlockKind.JsonTool && !string.IsNullOrEmpty(delta.PartialJson):
                updates.Add(Update(textDelta: delta.PartialJson));
                break;
            default:
                // thinking_delta, signature_delta, citations_delta, empty fragments.
                break;
        }
    }

    private void OnMessageDelta(AnthropicStreamEvent e, List<ChatStreamUpdate> updates)
    {
        AddUsage(e.Usage);
        var finish = AnthropicMapper.MapStopReason(e.Delta?.StopReason);
        if (finish == FinishReason.ToolCalls && !_sawToolCall)
        {
            // Only the JSON-mode tool was called: to the client that is a plain answer.
            finish = FinishReason.Stop;
        }

        if (finish is not null)
        {
            updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, FinishReason = finish });
        }
    }

    private void AddUsage(AnthropicUsage? usage)
    {
        if (usage is null)
        {
            return;
        }

        // Each count, when present, is the running total so far (message_delta's output_tokens is cumulative).
        _inputTokens = usage.InputTokens ?? _inputTokens;
        _cacheRead = usage.CacheReadInputTokens ?? _cacheRead;
        _cacheWrite = usage.CacheCreationInputTokens ?? _cacheWrite;
        _outputTokens = usage.OutputTokens ?? _outputTokens;
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
