using System.Text;
using Tollgate.Core.Sse;

namespace Tollgate.Core.Tests.Sse;

public sealed class SseReaderTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task ReadAsync_AnyLineEnding_SplitsEvents(string eol)
    {
        var input = $"data: first{eol}{eol}data: second{eol}{eol}";

        var events = await ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)));

        Assert.Equal(new[] { "first", "second" }, events.Select(e => e.Data));
        Assert.Equal(new[] { $"data: first{eol}{eol}", $"data: second{eol}{eol}" }, events.Select(e => e.Raw));
    }

    [Fact]
    public async Task ReadAsync_MultipleDataLines_JoinsWithLineFeed()
    {
        var events = await ReadAllAsync(Stream("data: one\r\ndata: two\r\ndata:three\r\n\r\n"));

        var single = Assert.Single(events);
        Assert.Equal("one\ntwo\nthree", single.Data);
        Assert.True(single.HasData);
    }

    [Fact]
    public async Task ReadAsync_EventField_SetsEventName()
    {
        var events = await ReadAllAsync(Stream("event: message_start\ndata: {\"a\":1}\n\ndata: x\n\n"));

        Assert.Equal("message_start", events[0].EventName);
        Assert.Equal("{\"a\":1}", events[0].Data);
        Assert.Equal(string.Empty, events[1].EventName);
    }

    [Fact]
    public async Task ReadAsync_CommentLines_KeptInRawEventIgnoredOtherwise()
    {
        var events = await ReadAllAsync(Stream(": keep-alive\n\ndata: a\n: note\ndata: b\n\n"));

        Assert.Equal(2, events.Count);
        Assert.Equal(": keep-alive\n\n", events[0].Raw);
        Assert.False(events[0].HasData);
        Assert.Equal(string.Empty, events[0].Data);
        Assert.Equal("data: a\n: note\ndata: b\n\n", events[1].Raw);
        Assert.Equal("a\nb", events[1].Data);
    }

    [Theory]
    [InlineData("data\n\n", "")]
    [InlineData("data:x\n\n", "x")]
    [InlineData("data:  x\n\n", " x")]
    [InlineData("id: 7\nretry: 100\ndata: x\n\n", "x")]
    public async Task ReadAsync_FieldForms_FollowEventSourceRules(string input, string expectedData)
    {
        var single = Assert.Single(await ReadAllAsync(Stream(input)));

        Assert.True(single.HasData);
        Assert.Equal(expectedData, single.Data);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task ReadAsync_OneBytePerRead_ReassemblesEveryEventExactly(string eol)
    {
        var input = string.Concat(
            $"event: ping{eol}data: {{\"id\":\"chatcmpl-1\",\"choices\":[]}}{eol}{eol}",
            $": comment{eol}data: a{eol}data: b{eol}{eol}",
            $"data: [DONE]{eol}{eol}");
        var bytes = Encoding.UTF8.GetBytes(input);

        var events = await ReadAllAsync(new OneBytePerReadStream(bytes));

        Assert.Equal(new[] { "{\"id\":\"chatcmpl-1\",\"choices\":[]}", "a\nb", "[DONE]" }, events.Select(e => e.Data));
        Assert.Equal("ping", events[0].EventName);
        Assert.Equal(bytes, events.SelectMany(e => e.RawBytes).ToArray());
    }

    [Fact]
    public async Task ReadAsync_TrailingEventWithoutBlankLine_IsStillReturned()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var reader = new SseReader(Stream("data: a\n\ndata: last"));

        Assert.True(await reader.ReadAsync(cts.Token));
        Assert.True(await reader.ReadAsync(cts.Token));
        Assert.Equal("last", Encoding.UTF8.GetString(reader.Data.Span));
        Assert.Equal("data: last", Encoding.UTF8.GetString(reader.RawEvent.Span));
        Assert.False(await reader.ReadAsync(cts.Token));
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ReturnsFalse()
    {
        Assert.Empty(await ReadAllAsync(Stream(string.Empty)));
    }

    [Fact]
    public async Task ReadAsync_OversizeEvent_ThrowsInvalidDataException()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var input = "data: " + new string('x', 40) + "\ndata: " + new string('y', 40) + "\n\n";
        await using var reader = new SseReader(Stream(input), maxEventBytes: 64);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(cts.Token));
    }

    [Fact]
    public async Task ReadAsync_OversizeLineArrivingSlowly_ThrowsInvalidDataException()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var bytes = Encoding.UTF8.GetBytes("data: " + new string('x', 200) + "\n\n");
        await using var reader = new SseReader(new OneBytePerReadStream(bytes), maxEventBytes: 64);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(cts.Token));
    }

    [Fact]
    public async Task ReadAsync_EventAtTheLimit_IsAccepted()
    {
        var input = "data: " + new string('x', 56) + "\n\n";

        var single = Assert.Single(await ReadAllAsync(Stream(input), maxEventBytes: 64));

        Assert.Equal(64, single.RawBytes.Length);
    }

    [Fact]
    public async Task RawEvent_ConcatenatedOverAStream_EqualsTheInputBytes()
    {
        var input = "event: a\r\ndata: 1\r\n\r\ndata: 2\n\n: c\rdata: 3\r\r";
        var bytes = Encoding.UTF8.GetBytes(input);

        var events = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal(3, events.Count);
        Assert.Equal(bytes, events.SelectMany(e => e.RawBytes).ToArray());
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<List<ReadEvent>> ReadAllAsync(Stream stream, long maxEventBytes = 16 * 1024 * 1024)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var reader = new SseReader(stream, maxEventBytes);
        var events = new List<ReadEvent>();
        while (await reader.ReadAsync(cts.Token))
        {
            events.Add(new ReadEvent(
                reader.RawEvent.ToArray(),
                Encoding.UTF8.GetString(reader.EventName),
                Encoding.UTF8.GetString(reader.Data.Span),
                reader.HasData));
        }

        return events;
    }

    private sealed record ReadEvent(byte[] RawBytes, string EventName, string Data, bool HasData)
    {
        public string Raw => Encoding.UTF8.GetString(RawBytes);
    }

    /// <summary>Hands out one byte per read, the worst case a network can produce.</summary>
    private sealed class OneBytePerReadStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position >= bytes.Length || buffer.IsEmpty)
            {
                return 0;
            }

            buffer.Span[0] = bytes[_position++];
            return 1;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= bytes.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = bytes[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task ReadAsync_TwoEventsInOneReadOnOpenStream_ReturnsBothWithoutMoreData()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await using var reader = new SseReader(pipe.Reader.AsStream());
        await pipe.Writer.WriteAsync("data: one\n\ndata: two\n\n"u8.ToArray());

        // The stream stays open: the second event must not wait for bytes that never come.
        Assert.True(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("one", System.Text.Encoding.UTF8.GetString(reader.Data.Span));
        Assert.True(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("two", System.Text.Encoding.UTF8.GetString(reader.Data.Span));
        await pipe.Writer.CompleteAsync();
    }

    [Fact]
    public async Task TryReadBuffered_EventsAlreadyArrived_ReturnsThemThenFalseWithoutWaiting()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await using var reader = new SseReader(pipe.Reader.AsStream());
        await pipe.Writer.WriteAsync("data: a\n\ndata: b\n\ndata: partial"u8.ToArray());

        Assert.True(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("a", System.Text.Encoding.UTF8.GetString(reader.Data.Span));
        Assert.True(reader.TryReadBuffered());
        Assert.Equal("b", System.Text.Encoding.UTF8.GetString(reader.Data.Span));
        Assert.False(reader.TryReadBuffered());

        // The partial event completes once its blank line arrives.
        await pipe.Writer.WriteAsync("\n\n"u8.ToArray());
        Assert.True(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("partial", System.Text.Encoding.UTF8.GetString(reader.Data.Span));
        await pipe.Writer.CompleteAsync();
        Assert.False(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
