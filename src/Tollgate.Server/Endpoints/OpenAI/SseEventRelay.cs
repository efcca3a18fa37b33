using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// The OpenAI-format pass-through relay (<see cref="SseRelay"/> finds the events): a run of events is copied whole
/// unless some event in it carries a usage object, and only such an event is parsed, for metering; the usage-only chunk
/// Tollgate asked for on the client's behalf is kept from the client.
/// </summary>
/// <remarks>
/// With an <see cref="OutputCap"/> (the request reserved tokens or money), every event is parsed and its output counted;
/// the event that takes the stream past its reservation is not relayed: the relay writes a final chunk with
/// <c>finish_reason: "length"</c> for each unfinished choice, the usage chunk when the client asked for one, and
/// <c>[DONE]</c>, then stops reading the upstream.
/// </remarks>
internal sealed class SseEventRelay(OutputCap? cap = null, bool clientWantsUsage = false) : SseRelay
{
    private readonly List<ChatStreamUpdate> _updates = [];
    private readonly List<int> _openChoices = [];
    private bool _hideUsageChunk;
    private string? _id;
    private string? _model;
    private long _eventsRelayed;

    /// <summary>The usage the stream reported, if any.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>
    /// The pieces of output relayed: counted exactly under a cap; on the fast path, the events relayed less the first
    /// (the role chunk), since OpenAI-format hosts stream one token per event. Billed only when the stream breaks off.
    /// </summary>
    public long OutputPieces => cap?.Counted ?? Math.Max(0, _eventsRelayed - 1);

    /// <summary>Relays until the upstream ends. When <paramref name="hideUsageChunk"/> is set, a usage-only chunk (<c>choices: []</c>) is read but not relayed.</summary>
    public Task RelayAsync(Stream upstream, PipeWriter client, bool hideUsageChunk, TimeProvider time, CancellationToken cancellationToken)
    {
        _hideUsageChunk = hideUsageChunk;
        return RelayEventsAsync(upstream, client, time, cancellationToken);
    }

    protected override void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time, bool trailing)
    {
        FirstEventTimestamp ??= time.GetTimestamp();
        if (cap is not null)
        {
            WriteCapped(events, client, time, trailing, cap);
            return;
        }

        // Fast path: no event here carries a usage object (chunks say "usage":null until the last), so the whole run
        // is copied at once.
        _eventsRelayed += events.Count("\n\n"u8);
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

    private void WriteCapped(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time, bool trailing, OutputCap outputCap)
    {
        while (!events.IsEmpty && !Ended)
        {
            var length = trailing ? events.Length : FirstEventLength(events);
            var current = events[..length];
            events = events[length..];
            var data = JoinData(current).WrittenSpan;
            _updates.Clear();
            if (!data.IsEmpty && !data.SequenceEqual("[DONE]"u8))
            {
                try
                {
                    OpenAIStreamMapper.Parse(data, _updates);
                }
                catch (ProviderException)
                {
                    // Not a chunk this relay understands: relayed as it is, as the fast path would.
                    _updates.Clear();
                }
            }

            var pieces = 0;
            var hasChoices = false;
            foreach (var update in _updates)
            {
                _id ??= update.Id;
                _model ??= update.Model;
                if (update.Usage is { } usage)
                {
                    Usage = usage;
                    continue;
                }

                hasChoices = true;
                pieces += OutputCap.Pieces(update);
                if (update.FinishReason is null)
                {
                    if (!_openChoices.Contains(update.ChoiceIndex))
                    {
                        _openChoices.Add(update.ChoiceIndex);
                    }
                }
                else
                {
                    _openChoices.Remove(update.ChoiceIndex);
                }
            }

            if (outputCap.Add(pieces))
            {
                WriteCut(client, time, outputCap);
                return;
            }

            if (_hideUsageChunk && !hasChoices && _updates.Count > 0)
            {
                continue;
            }

            client.Write(current);
        }
    }

    /// <summary>Ends the stream the cap cut: a length finish per unfinished choice, the usage chunk if asked for, <c>[DONE]</c>.</summary>
    private void WriteCut(PipeWriter client, TimeProvider time, OutputCap outputCap)
    {
        var id = _id ?? "chatcmpl-tollgate";
        var model = _model ?? string.Empty;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (_openChoices.Count == 0)
        {
            _openChoices.Add(0);
        }

        foreach (var index in _openChoices)
        {
            WriteChunk(client, new ChatStreamUpdate { ChoiceIndex = index, FinishReason = FinishReason.Length }, id, model, created);
        }

        Usage = outputCap.UsageAtCut(Usage);
        if (clientWantsUsage)
        {
            WriteChunk(client, new ChatStreamUpdate { Usage = Usage }, id, model, created);
        }

        client.Write("data: [DONE]\n\n"u8);
        Ended = true;
    }

    private void WriteChunk(PipeWriter client, ChatStreamUpdate update, string id, string model, long created)
    {
        client.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(client, JsonOutput.WriterOptions))
        {
            OpenAIStreamMapper.Write(writer, update, id, model, created, clientWantsUsage);
        }

        client.Write("\n\n"u8);
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
