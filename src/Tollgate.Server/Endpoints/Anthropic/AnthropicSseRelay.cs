using System.Buffers;
using System.IO.Pipelines;
using Tollgate.Chat;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// Copies an Anthropic SSE stream from the upstream to the client as it arrives: every complete event in the buffer is
/// written and flushed before the next upstream read, and only events that mention <c>"usage"</c>
/// (<c>message_start</c>, <c>message_delta</c>) are parsed, for metering. Event boundaries are found as
/// <see cref="SseEventRelay"/> finds them.
/// </summary>
internal sealed class AnthropicSseRelay
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>The usage read so far: input from <c>message_start</c>, output from the last <c>message_delta</c>.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>When the first event was written, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long? FirstEventTimestamp { get; private set; }

    public async Task RelayAsync(Stream upstream, PipeWriter client, TimeProvider time, CancellationToken cancellationToken)
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
                        if (buffer.Length >= SseEventRelay.MaxEventBytes)
                        {
                            throw new InvalidDataException($"A server-sent event exceeded {SseEventRelay.MaxEventBytes} bytes.");
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
                    // Step 3: the upstream ended; relay the bytes of an unterminated last event as they are.
                    if (end > start)
                    {
                        WriteEvents(buffer.AsSpan(start, end - start), client, time);
                        await client.FlushAsync(cancellationToken);
                    }

                    return;
                }

                end += read;

                // Step 2: relay every complete event now in the buffer, then flush once.
                var complete = SseEventRelay.LastBoundary(buffer.AsSpan(start, end - start));
                if (complete > 0)
                {
                    WriteEvents(buffer.AsSpan(start, complete), client, time);
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

    private void WriteEvents(ReadOnlySpan<byte> events, PipeWriter client, TimeProvider time)
    {
        FirstEventTimestamp ??= time.GetTimestamp();
        client.Write(events);
        while (!events.IsEmpty && events.IndexOf("\"usage\""u8) >= 0)
        {
            var length = SseEventRelay.FirstEventLength(events);
            var current = events[..length];
            events = events[length..];
            if (current.IndexOf("\"usage\""u8) >= 0 && AnthropicUsageReader.TryRead(Data(current), Usage, out var usage))
            {
                Usage = usage;
            }
        }
    }

    /// <summary>The event's <c>data:</c> lines, joined.</summary>
    internal static byte[] Data(ReadOnlySpan<byte> rawEvent)
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

        return data.WrittenSpan.ToArray();
    }
}
