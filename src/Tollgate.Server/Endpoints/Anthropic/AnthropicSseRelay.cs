using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Limits;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// Copies an Anthropic SSE stream from the upstream to the client as it arrives: every complete event in the buffer is
/// written and flushed before the next upstream read, and only events that mention <c>"usage"</c>
/// (<c>message_start</c>, <c>message_delta</c>) are parsed, for metering. Event boundaries are found as
/// <see cref="SseRelay"/> finds them.
/// </summary>
/// <remarks>
/// With an <see cref="OutputCap"/> (the request reserved tokens or money), every event is parsed and each non-empty
/// <c>content_block_delta</c> counted; the delta that takes the stream past its reservation is not relayed: the relay
/// closes the open block and writes <c>message_delta</c> with <c>stop_reason: "max_tokens"</c> and
/// <c>message_stop</c>, then stops reading the upstream. Anthropic enforces the <c>max_tokens</c> every Messages
/// request carries, so this only acts on an upstream that does not.
/// </remarks>
internal sealed class AnthropicSseRelay(OutputCap? cap = null) : SseRelay
{
    private int? _openBlock;

    /// <summary>The usage read so far: input from <c>message_start</c>, output from the last <c>message_delta</c>.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>The content deltas relayed (counted exactly, non-empty ones only, under a cap); billed only when the stream breaks off.</summary>
    public long OutputPieces => cap?.Counted ?? _deltasRelayed;

    private long _deltasRelayed;

    public Task RelayAsync(Stream upstream, PipeWriter client, TimeProvider time, CancellationToken cancellationToken) =>
        RelayEventsAsync(upstream, client, time, cancellationToken);

    protected override void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time, bool trailing)
    {
        FirstEventTimestamp ??= time.GetTimestamp();
        if (cap is not null)
        {
            WriteCapped(events, client, trailing, cap);
            return;
        }

        client.Write(events);
        _deltasRelayed += events.Count("event: content_block_delta"u8);
        while (!events.IsEmpty && events.IndexOf("\"usage\""u8) >= 0)
        {
            var length = trailing ? events.Length : FirstEventLength(events);
            var current = events[..length];
            events = events[length..];
            ReadUsage(current);
        }
    }

    private void ReadUsage(ReadOnlySpan<byte> rawEvent)
    {
        if (rawEvent.IndexOf("\"usage\""u8) >= 0 && AnthropicUsageReader.TryRead(JoinData(rawEvent).WrittenSpan, Usage, out var usage))
        {
            Usage = usage;
        }
    }

    private void WriteCapped(ReadOnlySpan<byte> events, PipeWriter client, bool trailing, OutputCap outputCap)
    {
        while (!events.IsEmpty && !Ended)
        {
            var length = trailing ? events.Length : FirstEventLength(events);
            var current = events[..length];
            events = events[length..];
            ReadUsage(current);
            if (outputCap.Add(Track(JoinData(current).WrittenSpan)))
            {
                WriteCut(client, outputCap);
                return;
            }

            client.Write(current);
        }
    }

    /// <summary>Follows the open content block and returns the pieces of output the event carries.</summary>
    private int Track(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type))
            {
                return 0;
            }

            var index = root.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
            switch (type.GetString())
            {
                case "content_block_start":
                    _openBlock = index;
                    return 0;
                case "content_block_stop":
                    _openBlock = null;
                    return 0;
                case "content_block_delta" when root.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object:
                    _openBlock ??= index;
                    return IsNonEmpty(delta, "text") || IsNonEmpty(delta, "partial_json") || IsNonEmpty(delta, "thinking") ? 1 : 0;
                default:
                    return 0;
            }
        }
        catch (JsonException)
        {
            // Not an event this relay understands: it carries no output we can count.
            return 0;
        }
    }

    private static bool IsNonEmpty(JsonElement delta, string name) =>
        delta.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !value.ValueEquals(string.Empty);

    /// <summary>Ends the stream the cap cut: the open block closed, <c>message_delta</c> (max_tokens), <c>message_stop</c>.</summary>
    private void WriteCut(PipeWriter client, OutputCap outputCap)
    {
        if (_openBlock is { } open)
        {
            client.Write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":"u8);
            client.Write(System.Text.Encoding.UTF8.GetBytes(open.ToString(CultureInfo.InvariantCulture)));
            client.Write("}\n\n"u8);
        }

        Usage = outputCap.UsageAtCut(Usage);
        client.Write("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"u8);
        client.Write(System.Text.Encoding.UTF8.GetBytes(Usage.OutputTokens.ToString(CultureInfo.InvariantCulture)));
        client.Write("}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8);
        Ended = true;
    }
}
