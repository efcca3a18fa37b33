using System.Buffers;
using System.IO.Pipelines;
using Tollgate.Chat;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// Copies an OpenAI-format SSE stream from the upstream to the client without parsing it line by line: it finds event
/// boundaries (a blank line, LF or CRLF) in one pooled buffer, writes each run of complete events with one copy, and
/// parses only an event that mentions <c>"usage"</c>. Everything that has arrived is written and flushed before the
/// next upstream read, so no event waits for a later one.
/// </summary>
/// <remarks>
/// An upstream that ends lines with a lone CR (allowed by the SSE grammar, used by none of the OpenAI-compatible
/// hosts) gets no event boundaries found: its bytes are then relayed as they fill the buffer and at the end, still
/// complete and in order. A single event may not exceed <see cref="MaxEventBytes"/>.
/// </remarks>
internal sealed class SseEventRelay
{
    public const int MaxEventBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>The usage the stream reported, if any.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>When the first event was written, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long? FirstEventTimestamp { get; private set; }

    /// <summary>Relays until the upstream ends. When <paramref name="hideUsageChunk"/> is set, a usage-only chunk (<c>choices: []</c>) is read but not relayed.</summary>
    public async Task RelayAsync(Stream upstream, PipeWriter client, bool hideUsageChunk, TimeProvider time, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                // Step 1: make room, then read whatever the upstream has sent.
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        if (buffer.Length >= MaxEventBytes)
                        {
                            throw new InvalidDataException($"A server-sent event exceeded {MaxEventBytes} bytes.");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                var read = await upstream.ReadAsync(buffer.AsMemory(end), cancellationToken);
                if (read == 0)
                {
                    // Step 3: the upstream ended; relay any trailing bytes of an unterminated last event.
                    if (end > start)
                    {
                        WriteEvents(buffer.AsSpan(start, end - start), client, hideUsageChunk, time, trailing: true);
                        await client.FlushAsync(cancellationToken);
                    }

                    return;
                }

                end += read;

                // Step 2: relay every complete event now in the buffer, then flush once.
                var complete = LastBoundary(buffer.AsSpan(start, end - start));
                if (complete > 0)
                {
                    WriteEvents(buffer.AsSpan(start, complete), client, hideUsageChunk, time, trailing: false);
                    start += complete;
                    if (start == end)
                    {
                        start = end = 0;
                    }

                    var flush = await client.FlushAsync(cancellationToken);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The length of the longest prefix of <paramref name="span"/> that ends with an event's blank line, or 0.</summary>
    internal static int LastBoundary(ReadOnlySpan<byte> span)
    {
        var at = span.Length;
        while (at > 1)
        {
            var lf = span[..at].LastIndexOf((byte)'\n');
            if (lf < 1)
            {
                return 0;
            }

            // "\n\n" or "\n\r\n" ends an event.
            if (span[lf - 1] == (byte)'\n' || (lf >= 2 && span[lf - 1] == (byte)'\r' && span[lf - 2] == (byte)'\n'))
            {
                return lf + 1;
            }

            at = lf;
        }

        return 0;
    }

    /// <summary>The length of the first event in <paramref name="span"/>, blank line included, or the whole span when none ends.</summary>
    internal static int FirstEventLength(ReadOnlySpan<byte> span)
    {
        var from = 0;
        while (true)
        {
            var lf = span[from..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return span.Length;
            }

            var next = from + lf + 1;
            if (next < span.Length && span[next] == (byte)'\n')
            {
                return next + 1;
            }

            if (next + 1 < span.Length && span[next] == (byte)'\r' && span[next + 1] == (byte)'\n')
            {
                return next + 2;
            }

            from = next;
        }
    }

    private void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, bool hideUsageChunk, TimeProvider time, bool trailing)
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
                if (hideUsageChunk && !hasChoices)
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
    private static bool TryReadUsage(ReadOnlySpan<byte> rawEvent, out ChatUsage usage, out bool hasChoices)
    {
        var data = new ArrayBufferWriter<byte>(rawEvent.Length);
        var lines = rawEvent;
        var first = true;
        while (!lines.IsEmpty)
        {
            var lf = lines.IndexOf((byte)'\n');
            var line = lf < 0 ? lines : lines[..lf];
            lines = lf < 0 ? [] : lines[(lf + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!line.StartsWith("data:"u8))
            {
                continue;
            }

            var value = line[5..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (!first)
            {
                data.Write("\n"u8);
            }

            data.Write(value);
            first = false;
        }

        return OpenAIUsageReader.TryRead(data.WrittenSpan, out usage, out hasChoices);
    }
}
