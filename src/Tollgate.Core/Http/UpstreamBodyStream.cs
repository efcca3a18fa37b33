using Tollgate.Providers;

namespace Tollgate.Core.Http;

/// <summary>
/// A read-only view of an upstream body that fails a read with a 504 <see cref="ProviderException"/> when no byte
/// arrives within the idle timeout or the exchange outlives its total timeout, and with a 502 when the connection
/// breaks mid-body. The caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class UpstreamBodyStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly CancellationToken _exchangeToken;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _total;
    private readonly CancellationTokenSource _idleSource;
    private readonly CancellationTokenSource _readSource;

    public UpstreamBodyStream(Stream inner, TimeSpan idle, TimeProvider time, CancellationTokenSource total, CancellationToken exchangeToken, CancellationToken callerToken)
    {
        _inner = inner;
        _idle = idle;
        _exchangeToken = exchangeToken;
        _callerToken = callerToken;
        _total = total;
        _idleSource = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

        // One linked source for the stream's life, so a read allocates nothing.
        _readSource = CancellationTokenSource.CreateLinkedTokenSource(exchangeToken, _idleSource.Token);
    }

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
        _idleSource.CancelAfter(_idle);
        try
        {
            if (cancellationToken.CanBeCanceled && cancellationToken != _callerToken && cancellationToken != _exchangeToken)
            {
                using var perRead = CancellationTokenSource.CreateLinkedTokenSource(_readSource.Token, cancellationToken);
                return await _inner.ReadAsync(buffer, perRead.Token);
            }

            return await _inner.ReadAsync(buffer, _readSource.Token);
        }
        catch (OperationCanceledException ex) when (!_callerToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw UpstreamHttp.Timeout(_total.IsCancellationRequested ? "total" : "idle", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !_callerToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException(ProviderErrorKind.Unreachable, 502, "The upstream connection broke while sending its answer.", ex)
            {
                ErrorType = "api_connection_error",
                ErrorCode = "upstream_disconnected",
            };
        }
        finally
        {
            if (!_idleSource.IsCancellationRequested)
            {
                _idleSource.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
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
            _inner.Dispose();
            _readSource.Dispose();
            _idleSource.Dispose();
        }

        base.Dispose(disposing);
    }
}
