using System.Buffers;
using System.IO.Pipelines;
using Tollgate.Chat;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// Copies an Anthropic SSE stream from the upstream to the client as it arrives: every complete event in the buffer is
/// written and flushed before the next upstream read, and only events that mention <c>"usage"</c>
/// (<c>message_start</c>, <c>message_delta</c>) are parsed, for metering. Event boundaries are found as
/// <see cref="SseRelay"/> finds them.
/// </summary>
internal sealed class AnthropicSseRelay : SseRelay
{
    /// <summary>The usage read so far: input from <c>message_start</c>, output from the last <c>message_delta</c>.</summary>
    public ChatUsage? Usage { get; private set; }

    public Task RelayAsync(Stream upstream, PipeWriter client, TimeProvider time, CancellationToken cancellationToken) =>
        RelayEventsAsync(upstream, client, time, cancellationToken);

    protected override void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time, bool trailing)
    {
        FirstEventTimestamp ??= time.GetTimestamp();
        client.Write(events);
        while (!events.IsEmpty && events.IndexOf("\"usage\""u8) >= 0)
        {
            var length = trailing ? events.Length : FirstEventLength(events);
            var current = events[..length];
            events = events[length..];
            if (current.IndexOf("\"usage\""u8) >= 0 && AnthropicUsageReader.TryRead(JoinData(current).WrittenSpan, Usage, out var usage))
            {
                Usage = usage;
            }
        }
    }
}
