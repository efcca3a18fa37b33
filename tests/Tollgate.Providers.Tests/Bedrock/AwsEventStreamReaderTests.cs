using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Tollgate.Providers.Bedrock;
using Tollgate.Testing.Bedrock;

namespace Tollgate.Providers.Tests.Bedrock;

public sealed class AwsEventStreamReaderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadAsync_EveryHeaderType_DecodedAndPayloadKept()
    {
        var uuid = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        var time = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
        var frame = EventStreamEncoder.Encode(
            [
                new("t", true), new("f", false), new("b", (sbyte)-5), new("s", (short)-300), new("i", 70000), new("l", 5_000_000_000L),
                new("bytes", new byte[] { 1, 2, 3 }), new(":event-type", "contentBlockDelta"), new("ts", time), new("id", uuid),
            ],
            "{\"x\":1}"u8);

        var message = await ReadOne(frame);

        Assert.Equal("true", message.Headers["t"]);
        Assert.Equal("false", message.Headers["f"]);
        Assert.Equal("-5", message.Headers["b"]);
        Assert.Equal("-300", message.Headers["s"]);
        Assert.Equal("70000", message.Headers["i"]);
        Assert.Equal("5000000000", message.Headers["l"]);
        Assert.Equal("AQID", message.Headers["bytes"]);
        Assert.Equal("contentBlockDelta", message.EventType);
        Assert.Equal(time, DateTimeOffset.Parse(message.Headers["ts"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(uuid.ToString(), message.Headers["id"]);
        Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public async Task ReadAsync_TwoFramesSplitAtEveryByteBoundary_SameMessages()
    {
        var first = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");
        var second = EventStreamEncoder.Exception("throttlingException", "slow down");
        var all = first.Concat(second).ToArray();

        for (var split = 1; split < all.Length; split++)
        {
            var reader = new AwsEventStreamReader(new ChunkedStream(all, [split, all.Length - split]));

            var a = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound);
            var b = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound);
            var end = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound);

            Assert.Equal("messageStart", a!.EventType);
            Assert.Equal("""{"role":"assistant"}""", Encoding.UTF8.GetString(a.Payload.Span));
            Assert.Equal("exception", b!.MessageType);
            Assert.Equal("throttlingException", b.ExceptionType);
            Assert.Null(end);
        }
    }

    [Fact]
    public async Task ReadAsync_OneByteReads_SameMessage()
    {
        var frame = EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"héllo"}}""");
        var reader = new AwsEventStreamReader(new ChunkedStream(frame, [.. Enumerable.Repeat(1, frame.Length)]));

        var message = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound);

        Assert.Equal("""{"contentBlockIndex":0,"delta":{"text":"héllo"}}""", Encoding.UTF8.GetString(message!.Payload.Span));
    }

    [Fact]
    public async Task ReadAsync_CorruptedPreludeCrc_InvalidResponseWithoutWaiting()
    {
        var frame = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");
        frame[9] ^= 0x01;

        var ex = await ReadFailure(new HangingStream(frame));

        Assert.Contains("prelude CRC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CorruptedMessageCrc_InvalidResponse()
    {
        var frame = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");
        frame[^6] ^= 0x20;

        var ex = await ReadFailure(new HangingStream(frame));

        Assert.Contains("message CRC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TruncatedMessage_InvalidResponse()
    {
        var frame = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");

        var ex = await ReadFailure(new MemoryStream(frame[..^3]));

        Assert.Contains("ended in the middle of a message", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TruncatedPrelude_InvalidResponse()
    {
        var ex = await ReadFailure(new MemoryStream([0, 0, 0, 40, 0]));

        Assert.Contains("prelude", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x7FFFFFF0u, 0u)]
    [InlineData(20u, 8u)]
    [InlineData(10u, 0u)]
    public async Task ReadAsync_ImpossibleLengthWithValidPreludeCrc_InvalidResponseWithoutWaiting(uint total, uint headers)
    {
        var prelude = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, total);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(4), headers);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), Crc32.HashToUInt32(prelude.AsSpan(0, 8)));

        var ex = await ReadFailure(new HangingStream(prelude));

        Assert.Contains("impossible length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ReturnsNull()
    {
        Assert.Null(await new AwsEventStreamReader(new MemoryStream()).ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound));
    }

    private static async Task<AwsEventStreamMessage> ReadOne(byte[] frame) =>
        (await new AwsEventStreamReader(new MemoryStream(frame)).ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound))!;

    private static async Task<ProviderException> ReadFailure(Stream stream)
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => new AwsEventStreamReader(stream).ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound));
        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
        return ex;
    }

    /// <summary>Returns the data in reads of the given sizes.</summary>
    private sealed class ChunkedStream(byte[] data, int[] sizes) : Stream
    {
        private int _position;
        private int _chunk;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= data.Length)
            {
                return 0;
            }

            var size = Math.Min(buffer.Length, Math.Min(sizes[Math.Min(_chunk, sizes.Length - 1)], data.Length - _position));
            data.AsSpan(_position, size).CopyTo(buffer);
            _position += size;
            _chunk++;
            return size;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Returns the data, then never ends: a reader that waits for more bytes hangs (and the test's bound fails it).</summary>
    private sealed class HangingStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= data.Length)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            var size = Math.Min(buffer.Length, data.Length - _position);
            data.AsSpan(_position, size).CopyTo(buffer.Span);
            _position += size;
            return size;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
