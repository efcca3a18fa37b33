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
/// as the documentation asks; an <c>error</c> event throws. With extended thinking
/// (https://docs.claude.com/en/docs/build-with-claude/extended-thinking#streaming-thinking) a <c>thinking</c> block's
/// <c>thinking_delta</c>s become <see cref="ChatStreamUpdate.ThinkingDelta"/>, its closing <c>signature_delta</c>
/// <see cref="ChatStreamUpdate.ThinkingSignature"/>; a <c>redacted_thinking</c> block arrives whole in its
/// <c>content_block_start</c> and becomes <see cref="ChatStreamUpdate.RedactedThinking"/>. A text block's
/// <c>citations_delta</c> becomes <see cref="ChatStreamUpdate.Citations"/> (a one-element array).
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
        Thinking,
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
            case "thinking":
                _blocks[index] = new BlockState(BlockKind.Thinking, -1);
                if (!string.IsNullOrEmpty(block.Thinking))
                {
                    updates.Add(Update(thinking: block.Thinking));
                }

                break;
            case "redacted_thinking":
                _blocks[index] = new BlockState(BlockKind.Ignored, -1);
                if (!string.IsNullOrEmpty(block.Data))
                {
                    updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, RedactedThinking = block.Data, SignatureFamily = SignatureFamilies.Anthropic });
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
                // server_tool_use, web_search_tool_result and other server-tool blocks: not part of a chat completion.
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
            case "thinking_delta" when block.Kind == BlockKind.Thinking && !string.IsNullOrEmpty(delta.Thinking):
                updates.Add(Update(thinking: delta.Thinking));
                break;
            case "signature_delta" when block.Kind == BlockKind.Thinking && !string.IsNullOrEmpty(delta.Signature):
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, ThinkingSignature = delta.Signature, SignatureFamily = SignatureFamilies.Anthropic });
                break;
            case "citations_delta" when block.Kind == BlockKind.Text && delta.Citation is { ValueKind: JsonValueKind.Object } citation:
                updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, Citations = InArray(citation) });
                break;
            case "input_json_delta" when block.Kind == BlockKind.Tool && !string.IsNullOrEmpty(delta.PartialJson):
                updates.Add(Update(toolCall: new ToolCallUpdate(block.ToolIndex, null, null, delta.PartialJson)));
                break;
            case "input_json_delta" when block.Kind == BlockKind.JsonTool && !string.IsNullOrEmpty(delta.PartialJson):
                updates.Add(Update(textDelta: delta.PartialJson));
                break;
            default:
                // Empty fragments, and delta types added after this was written.
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
            var stopSequence = e.Delta?.StopSequence;
            updates.Add(new ChatStreamUpdate { Id = _id, Model = _model, FinishReason = finish, StopSequence = string.IsNullOrEmpty(stopSequence) ? null : stopSequence });
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

    private static JsonElement InArray(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            element.WriteTo(writer);
            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private ChatStreamUpdate Update(string? textDelta = null, ToolCallUpdate? toolCall = null, string? thinking = null) => new()
    {
        Id = _id,
        Model = _model,
        TextDelta = textDelta,
        ThinkingDelta = thinking,
        ToolCalls = toolCall is null ? null : [toolCall],
    };

    private readonly record struct BlockState(BlockKind Kind, int ToolIndex);
}
