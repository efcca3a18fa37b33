namespace Tollgate.Core.Routing;

/// <summary>
/// An upstream body whose first bytes were read before the attempt won (so failover could still happen): it returns
/// them first, then reads on from the upstream, restarting the attempt's idle timeout after every read.
/// </summary>
internal sealed class PrimedBodyStream(byte[] prefix, int prefixLength, Stream inner, RouteAttempt attempt) : Stream
{
    private byte[]? _prefix = prefix;
    private int _prefixOffset;

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
        if (_prefix is { } pending)
        {
            var count = Math.Min(buffer.Length, prefixLength - _prefixOffset);
            pending.AsMemory(_prefixOffset, count).CopyTo(buffer);
            _prefixOffset += count;
            if (_prefixOffset >= prefixLength)
            {
                // The first bytes are out: the pooled buffer goes back (PassthroughAttempt rented it).
                _prefix = null;
                System.Buffers.ArrayPool<byte>.Shared.Return(pending);
            }

            if (count > 0 || prefixLength == 0)
            {
                return count;
            }
        }

        // The attempt's token ends the read too: the deadline and the idle timeout apply to the relay.
        int read;
        if (cancellationToken.CanBeCanceled && cancellationToken != attempt.Token && cancellationToken != attempt.RequestAborted)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attempt.Token);
            read = await inner.ReadAsync(buffer, both.Token);
        }
        else
        {
            read = await inner.ReadAsync(buffer, attempt.Token);
        }

        attempt.MarkProgress();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Upstream bodies are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_prefix is { } pending)
            {
                _prefix = null;
                System.Buffers.ArrayPool<byte>.Shared.Return(pending);
            }

            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
