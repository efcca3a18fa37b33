using System.Buffers;
using System.IO.Pipelines;

namespace Tollgate.Core.Sse;

/// <summary>
/// Reads server-sent events (per the WHATWG EventSource format) from a stream, one whole event at a time, without
/// waiting for more than that event's bytes. After <see cref="ReadAsync"/> returns <see langword="true"/>,
/// <see cref="RawEvent"/>, <see cref="EventName"/> and <see cref="Data"/> describe the event until the next call.
/// </summary>
/// <remarks>
/// Lines end in LF, CRLF or CR; an empty line ends an event. <see cref="RawEvent"/> holds the event's bytes exactly as
/// received, blank line included, so a pass-through can relay them unchanged. Comment lines (<c>:</c>) are kept in
/// <see cref="RawEvent"/> and ignored otherwise. Not thread-safe.
/// </remarks>
public sealed class SseReader : IAsyncDisposable
{
    private readonly PipeReader _reader;
    private readonly ArrayBufferWriter<byte> _raw = new(4096);
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private readonly ArrayBufferWriter<byte> _event = new(64);
    private readonly long _maxEventBytes;
    private bool _hasData;
    private bool _inEvent;
    private bool _eventReturned = true;

    /// <summary>Reads from <paramref name="stream"/>, leaving it open. Events over <paramref name="maxEventBytes"/> fail the read.</summary>
    public SseReader(Stream stream, long maxEventBytes = 16 * 1024 * 1024)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _maxEventBytes = maxEventBytes;
    }

    /// <summary>The current event's bytes as received, terminating blank line included.</summary>
    public ReadOnlyMemory<byte> RawEvent => _raw.WrittenMemory;

    /// <summary>The <c>event:</c> field, empty when absent (the default type, <c>message</c>).</summary>
    public ReadOnlySpan<byte> EventName => _event.WrittenSpan;

    /// <summary>The <c>data:</c> lines joined with LF.</summary>
    public ReadOnlyMemory<byte> Data => _data.WrittenMemory;

    /// <summary>Whether the current event had at least one <c>data:</c> line.</summary>
    public bool HasData => _hasData;

    /// <summary>Reads the next event. Returns <see langword="false"/> at the end of the stream; a trailing event without its blank line is still returned.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        BeginEvent();
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            if (Consume(result, out var endOfStream))
            {
                return true;
            }

            if (endOfStream)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Reads the next event only if it has already arrived whole; never waits. Lets a relay write every event at hand
    /// and flush once, without holding back any event that has arrived.
    /// </summary>
    public bool TryReadBuffered()
    {
        BeginEvent();
        return _reader.TryRead(out var result) && Consume(result, out _);
    }

    private void BeginEvent()
    {
        if (!_eventReturned)
        {
            return;
        }

        _raw.ResetWrittenCount();
        _data.ResetWrittenCount();
        _event.ResetWrittenCount();
        _hasData = false;
        _inEvent = false;
        _eventReturned = false;
    }

    /// <summary>Consumes whole lines of <paramref name="result"/> until an event ends; partial state survives to the next call.</summary>
    private bool Consume(ReadResult result, out bool endOfStream)
    {
        var buffer = result.Buffer;
        endOfStream = false;
        while (TryReadLine(ref buffer, result.IsCompleted, out var line, out var lineWithTerminator))
        {
            Append(_raw, lineWithTerminator);
            if (line.IsEmpty)
            {
                if (_inEvent)
                {
                    // Examined only up to here: the next read returns at once if more events are already buffered.
                    _reader.AdvanceTo(buffer.Start);
                    _eventReturned = true;
                    return true;
                }

                // A stray blank line between events: not part of any event.
                _raw.ResetWrittenCount();
                continue;
            }

            _inEvent = true;
            ProcessLine(line);
            if (_raw.WrittenCount > _maxEventBytes)
            {
                throw new InvalidDataException($"A server-sent event exceeded {_maxEventBytes} bytes.");
            }
        }

        if (buffer.Length > _maxEventBytes)
        {
            throw new InvalidDataException($"A server-sent event line exceeded {_maxEventBytes} bytes.");
        }

        _reader.AdvanceTo(buffer.Start, buffer.End);
        if (result.IsCompleted)
        {
            endOfStream = true;
            if (_inEvent)
            {
                _eventReturned = true;
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _reader.CompleteAsync();

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, bool isCompleted, out ReadOnlySequence<byte> line, out ReadOnlySequence<byte> lineWithTerminator)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            var end = reader.Position;
            reader.TryRead(out var terminator);
            if (terminator == (byte)'\r')
            {
                if (reader.End && !isCompleted)
                {
                    // A CR at the buffer's end may be the first half of CRLF: wait for more bytes.
                    line = default;
                    lineWithTerminator = default;
                    return false;
                }

                reader.IsNext((byte)'\n', advancePast: true);
            }

            line = buffer.Slice(0, end);
            lineWithTerminator = buffer.Slice(0, reader.Position);
            buffer = buffer.Slice(reader.Position);
            return true;
        }

        if (isCompleted && !buffer.IsEmpty)
        {
            line = buffer;
            lineWithTerminator = buffer;
            buffer = buffer.Slice(buffer.End);
            return true;
        }

        line = default;
        lineWithTerminator = default;
        return false;
    }

    private static void Append(ArrayBufferWriter<byte> writer, in ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            writer.Write(segment.Span);
        }
    }

    private void ProcessLine(in ReadOnlySequence<byte> line)
    {
        ReadOnlySpan<byte> span;
        byte[]? rented = null;
        if (line.IsSingleSegment)
        {
            span = line.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
            line.CopyTo(rented);
            span = rented.AsSpan(0, (int)line.Length);
        }

        try
        {
            if (span[0] == (byte)':')
            {
                return;
            }

            var colon = span.IndexOf((byte)':');
            var field = colon < 0 ? span : span[..colon];
            var value = colon < 0 ? [] : span[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            if (field.SequenceEqual("data"u8))
            {
                if (_hasData)
                {
                    _data.Write("\n"u8);
                }

                _data.Write(value);
                _hasData = true;
            }
            else if (field.SequenceEqual("event"u8))
            {
                _event.ResetWrittenCount();
                _event.Write(value);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

    }
}
