using System.Buffers;
using System.IO.Pipelines;
using Tollgate.Chat;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// The OpenAI-format pass-through relay (<see cref="SseRelay"/> finds the events): a run of events is copied whole
/// unless some event in it carries a usage object, and only such an event is parsed, for metering; the usage-only chunk
/// Tollgate asked for on the client's behalf is kept from the client.
/// </summary>
internal sealed class SseEventRelay : SseRelay
{
    private bool _hideUsageChunk;

    /// <summary>The usage the stream reported, if any.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>Relays until the upstream ends. When <paramref name="hideUsageChunk"/> is set, a usage-only chunk (<c>choices: []</c>) is read but not relayed.</summary>
    public Task RelayAsync(Stream upstream, PipeWriter client, bool hideUsageChunk, TimeProvider time, CancellationToken cancellationToken)
    {
        _hideUsageChunk = hideUsageChunk;
        return RelayEventsAsync(upstream, client, time, cancellationToken);
    }

    protected override void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time, bool trailing)
    {
        FirstEventTimestamp ??= time.GetTimestamp();

        // Fast path: no event here carries a usage object (chunks say "usage":null until the last), so the whole run
        // is copied at once.
        if (!ContainsUsageObject(events))
        {
            client.Write(events);
            return;
        }

        while (!events.IsEmpty)
        {
            var length = trailing ? events.Length : FirstEventLength(events);
            var current = events[..length];
            events = events[length..];
            if (ContainsUsageObject(current) && TryReadUsage(current, out var usage, out var hasChoices))
            {
                Usage = usage;
                if (_hideUsageChunk && !hasChoices)
                {
                    continue;
                }
            }

            client.Write(current);
        }
    }

    /// <summary>Whether some <c>"usage"</c> in <paramref name="span"/> is followed by <c>:</c> and an object, not <c>null</c>.</summary>
    internal static bool ContainsUsageObject(ReadOnlySpan<byte> span)
    {
        while (true)
        {
            var at = span.IndexOf("\"usage\""u8);
            if (at < 0)
            {
                return false;
            }

            span = span[(at + 7)..];
            var rest = span.TrimStart(" \t"u8);
            if (!rest.IsEmpty && rest[0] == (byte)':')
            {
                rest = rest[1..].TrimStart(" \t"u8);
                if (!rest.IsEmpty && rest[0] == (byte)'{')
                {
                    return true;
                }
            }
        }
    }

    /// <summary>Joins the event's <c>data:</c> lines and reads a non-null usage object from them.</summary>
    private static bool TryReadUsage(ReadOnlySpan<byte> rawEvent, out ChatUsage usage, out bool hasChoices) =>
        OpenAIUsageReader.TryRead(JoinData(rawEvent).WrittenSpan, out usage, out hasChoices);
}
