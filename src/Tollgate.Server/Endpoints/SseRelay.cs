using System.Buffers;
using System.IO.Pipelines;

namespace Tollgate.Server.Endpoints;

/// <summary>
/// The pass-through's SSE relay, shared by both client formats: it finds event boundaries (a blank line, LF or CRLF) in
/// one pooled buffer and hands each run of complete events to <see cref="WriteEvents"/>, then flushes once. Everything
/// that has arrived is written and flushed before the next upstream read, so no event waits for a later one.
/// </summary>
/// <remarks>
/// An upstream that ends lines with a lone CR (allowed by the SSE grammar, used by no provider) gets no event boundaries
/// found: its bytes are then relayed as they fill the buffer and at the end, still complete and in order. A single
/// event may not exceed <see cref="MaxEventBytes"/>.
/// </remarks>
internal abstract class SseRelay
{
    public const int MaxEventBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 16 * 1024;

    private bool _upstreamEnded;

    /// <summary>When the first event was written, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long? FirstEventTimestamp { get; protected set; }

    /// <summary>
    /// Set by <see cref="WriteEvents"/> when it has written the stream's last event itself (the output cap ended the
    /// stream): the relay flushes and stops reading the upstream, which the caller then disposes.
    /// </summary>
    public bool Ended { get; protected set; }

    /// <summary>Whether the stream ran to its end: the upstream closed it, or <see cref="Ended"/> ended it.</summary>
    public bool Complete => Ended || _upstreamEnded;

    /// <summary>Relays until the upstream ends, handing each run of complete events to <see cref="WriteEvents"/>.</summary>
    protected async Task RelayEventsAsync(Stream upstream, PipeWriter client, TimeProvider time, CancellationToken cancellationToken)
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
                    _upstreamEnded = true;
                    // Step 3: the upstream ended; relay any trailing bytes of an unterminated last event.
                    if (end > start && !Ended)
                    {
                        WriteEvents(buffer.AsSpan(start, end - start), client, time, trailing: true);
                        await client.FlushAsync(cancellationToken);
                    }

                    return;
                }

                end += read;

                // Step 2: relay every complete event now in the buffer, then flush once.
                var complete = LastBoundary(buffer.AsSpan(start, end - start));
                if (complete > 0)
                {
                    WriteEvents(buffer.AsSpan(start, complete), client, time, trailing: false);
                    start += complete;
                    if (start == end)
                    {
                        start = end = 0;
                    }

                    var flush = await client.FlushAsync(cancellationToken);
                    if (flush.IsCanceled || flush.IsCompleted || Ended)
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

    /// <summary>The event's <c>data:</c> lines, joined with LF (the event's payload, as the SSE grammar defines it).</summary>
    internal static ArrayBufferWriter<byte> JoinData(ReadOnlySpan<byte> rawEvent)
    {
        var data = new ArrayBufferWriter<byte>(rawEvent.Length);
        var first = true;
        while (!rawEvent.IsEmpty)
        {
            var lf = rawEvent.IndexOf((byte)'\n');
            var line = lf < 0 ? rawEvent : rawEvent[..lf];
            rawEvent = lf < 0 ? [] : rawEvent[(lf + 1)..];
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

        return data;
    }

    /// <summary>
    /// Writes a run of complete events (or, with <paramref name="trailing"/>, the bytes of an unterminated last event)
    /// to the client, reading what the format needs from them as they pass.
    /// </summary>
    protected abstract void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time, bool trailing);
}
