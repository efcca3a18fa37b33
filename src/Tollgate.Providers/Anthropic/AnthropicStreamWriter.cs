using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Turns canonical <see cref="ChatStreamUpdate"/>s into the Messages API's server-sent events
/// (https://docs.claude.com/en/docs/build-with-claude/streaming), for Anthropic clients served by a provider of
/// another format. One instance per stream; not thread-safe.
/// </summary>
/// <remarks>
/// The event order is Anthropic's: <c>message_start</c>, <c>ping</c>, then per content block
/// <c>content_block_start</c>, its deltas and <c>content_block_stop</c> (indexes from 0, consecutive), then
/// <c>message_delta</c> (stop reason, stop sequence, usage) and <c>message_stop</c>. A new block opens whenever the
/// kind of content changes (thinking, text, tool use) or a new tool call index appears. The input token count is
/// rarely known when the stream starts (OpenAI-format streams report usage last): <c>message_start</c> then says 0
/// and <c>message_delta</c> carries the full usage.
/// </remarks>
public sealed class AnthropicStreamWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _messageId;
    private readonly string _model;
    private readonly StringBuilder _toolArguments = new();
    private BlockKind _block;
    private int _index = -1;
    private int _toolIndex = -1;
    private string _toolName = string.Empty;
    private FinishReason? _finishReason;
    private string? _stopSequence;

    /// <summary>Creates the writer; <paramref name="model"/> is the model name the client asked for.</summary>
    public AnthropicStreamWriter(string messageId, string model)
    {
        _messageId = AnthropicResponseWriter.MessageId(messageId);
        _model = model;
    }

    private enum BlockKind
    {
        None,
        Thinking,
        Text,
        ToolUse,
    }

    /// <summary>The usage the provider reported, once it has.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>Whether <see cref="WriteStart"/> has run.</summary>
    public bool Started { get; private set; }

    /// <summary>Writes <c>message_start</c> and a <c>ping</c>. <paramref name="usage"/> gives the input tokens when already known.</summary>
    public void WriteStart(IBufferWriter<byte> output, ChatUsage? usage = null)
    {
        Started = true;
        Event(output, "message_start", writer =>
        {
            writer.WriteString("type", "message_start");
            writer.WriteStartObject("message");
            writer.WriteString("id", _messageId);
            writer.WriteString("type", "message");
            writer.WriteString("role", "assistant");
            writer.WriteString("model", _model);
            writer.WriteStartArray("content");
            writer.WriteEndArray();
            writer.WriteNull("stop_reason");
            writer.WriteNull("stop_sequence");
            writer.WritePropertyName("usage");
            AnthropicResponseWriter.WriteUsage(writer, usage, includeOutput: true);
            writer.WriteEndObject();
        });
        Event(output, "ping", writer => writer.WriteString("type", "ping"));
    }

    /// <summary>Writes the events for one update (none, for an update that only carries usage or a finish reason).</summary>
    /// <exception cref="ProviderException">A finished tool call's arguments are not a JSON object (502).</exception>
    public void Write(IBufferWriter<byte> output, ChatStreamUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!Started)
        {
            WriteStart(output);
        }

        if (update.Usage is { } usage)
        {
            Usage = usage;
        }

        if (update.ChoiceIndex != 0)
        {
            return;
        }

        _finishReason = update.FinishReason ?? _finishReason;
        _stopSequence = update.StopSequence ?? _stopSequence;
        var anthropicFamily = AnthropicResponseWriter.IsAnthropicFamily(update.SignatureFamily);

        if (!string.IsNullOrEmpty(update.RedactedThinking) && anthropicFamily)
        {
            CloseBlock(output);
            _index++;
            var data = update.RedactedThinking;
            Event(output, "content_block_start", writer =>
            {
                writer.WriteString("type", "content_block_start");
                writer.WriteNumber("index", _index);
                writer.WriteStartObject("content_block");
                writer.WriteString("type", "redacted_thinking");
                writer.WriteString("data", data);
                writer.WriteEndObject();
            });
            WriteBlockStop(output);
        }

        if (!string.IsNullOrEmpty(update.ThinkingDelta) && anthropicFamily)
        {
            OpenBlock(output, BlockKind.Thinking);
            Delta(output, "thinking_delta", "thinking", update.ThinkingDelta);
        }

        if (!string.IsNullOrEmpty(update.ThinkingSignature) && anthropicFamily)
        {
            OpenBlock(output, BlockKind.Thinking);
            Delta(output, "signature_delta", "signature", update.ThinkingSignature);
        }

        if (!string.IsNullOrEmpty(update.TextDelta))
        {
            OpenBlock(output, BlockKind.Text);
            Delta(output, "text_delta", "text", update.TextDelta);
        }

        if (update.Citations is { } citations)
        {
            OpenBlock(output, BlockKind.Text);
            if (citations.ValueKind == JsonValueKind.Array)
            {
                foreach (var citation in citations.EnumerateArray())
                {
                    CitationDelta(output, citation);
                }
            }
            else if (citations.ValueKind == JsonValueKind.Object)
            {
                CitationDelta(output, citations);
            }
        }

        foreach (var call in update.ToolCalls ?? [])
        {
            if (_block != BlockKind.ToolUse || call.Index != _toolIndex)
            {
                CloseBlock(output);
                _block = BlockKind.ToolUse;
                _index++;
                _toolIndex = call.Index;
                _toolName = call.Name ?? string.Empty;
                _toolArguments.Clear();
                var id = AnthropicToolUseIds.Encode(
                    string.IsNullOrEmpty(call.Id) ? string.Create(CultureInfo.InvariantCulture, $"toolu_{_messageId}_{call.Index}") : call.Id,
                    call.Signature,
                    call.SignatureFamily);
                Event(output, "content_block_start", writer =>
                {
                    writer.WriteString("type", "content_block_start");
                    writer.WriteNumber("index", _index);
                    writer.WriteStartObject("content_block");
                    writer.WriteString("type", "tool_use");
                    writer.WriteString("id", id);
                    writer.WriteString("name", _toolName);
                    writer.WriteStartObject("input");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                });
            }

            if (!string.IsNullOrEmpty(call.ArgumentsDelta))
            {
                _toolArguments.Append(call.ArgumentsDelta);
                Delta(output, "input_json_delta", "partial_json", call.ArgumentsDelta);
            }
        }
    }

    /// <summary>Closes the open block and writes <c>message_delta</c> and <c>message_stop</c>.</summary>
    /// <exception cref="ProviderException">The last tool call's arguments are not a JSON object (502).</exception>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        if (!Started)
        {
            WriteStart(output);
        }

        CloseBlock(output);
        var stopSequence = _finishReason is FinishReason.Stop or null ? _stopSequence : null;
        Event(output, "message_delta", writer =>
        {
            writer.WriteString("type", "message_delta");
            writer.WriteStartObject("delta");
            writer.WriteString("stop_reason", AnthropicResponseWriter.StopReason(_finishReason, stopSequence));
            if (stopSequence is null)
            {
                writer.WriteNull("stop_sequence");
            }
            else
            {
                writer.WriteString("stop_sequence", stopSequence);
            }

            writer.WriteEndObject();
            writer.WritePropertyName("usage");
            if (Usage is null)
            {
                writer.WriteStartObject();
                writer.WriteNumber("output_tokens", 0);
                writer.WriteEndObject();
            }
            else
            {
                AnthropicResponseWriter.WriteUsage(writer, Usage, includeOutput: true);
            }
        });
        Event(output, "message_stop", writer => writer.WriteString("type", "message_stop"));
    }

    /// <summary>Writes an <c>error</c> event, for a failure after the stream has started.</summary>
    public static void WriteError(IBufferWriter<byte> output, string type, string message) =>
        Event(output, "error", writer =>
        {
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", type);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        });

    private static void Event(IBufferWriter<byte> output, string name, Action<Utf8JsonWriter> body)
    {
        output.Write("event: "u8);
        output.Write(Encoding.UTF8.GetBytes(name));
        output.Write("\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }

    private void OpenBlock(IBufferWriter<byte> output, BlockKind kind)
    {
        if (_block == kind)
        {
            return;
        }

        CloseBlock(output);
        _block = kind;
        _index++;
        Event(output, "content_block_start", writer =>
        {
            writer.WriteString("type", "content_block_start");
            writer.WriteNumber("index", _index);
            writer.WriteStartObject("content_block");
            if (kind == BlockKind.Thinking)
            {
                writer.WriteString("type", "thinking");
                writer.WriteString("thinking", string.Empty);
                writer.WriteString("signature", string.Empty);
            }
            else
            {
                writer.WriteString("type", "text");
                writer.WriteString("text", string.Empty);
            }

            writer.WriteEndObject();
        });
    }

    private void CloseBlock(IBufferWriter<byte> output)
    {
        if (_block == BlockKind.None)
        {
            return;
        }

        if (_block == BlockKind.ToolUse && _toolArguments.Length > 0 && !IsJsonObject(_toolArguments.ToString()))
        {
            throw AnthropicResponseWriter.InvalidToolArguments(_toolName);
        }

        _block = BlockKind.None;
        WriteBlockStop(output);
    }

    private void WriteBlockStop(IBufferWriter<byte> output) => Event(output, "content_block_stop", writer =>
    {
        writer.WriteString("type", "content_block_stop");
        writer.WriteNumber("index", _index);
    });

    private void Delta(IBufferWriter<byte> output, string type, string field, string value) => Event(output, "content_block_delta", writer =>
    {
        writer.WriteString("type", "content_block_delta");
        writer.WriteNumber("index", _index);
        writer.WriteStartObject("delta");
        writer.WriteString("type", type);
        writer.WriteString(field, value);
        writer.WriteEndObject();
    });

    private void CitationDelta(IBufferWriter<byte> output, JsonElement citation) => Event(output, "content_block_delta", writer =>
    {
        writer.WriteString("type", "content_block_delta");
        writer.WriteNumber("index", _index);
        writer.WriteStartObject("delta");
        writer.WriteString("type", "citations_delta");
        writer.WritePropertyName("citation");
        citation.WriteTo(writer);
        writer.WriteEndObject();
    });

    private static bool IsJsonObject(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
