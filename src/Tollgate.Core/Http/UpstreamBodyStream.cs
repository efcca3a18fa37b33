using Tollgate.Providers;

namespace Tollgate.Core.Http;

/// <summary>
/// A read-only view of an upstream body that fails a read with a 504 <see cref="ProviderException"/> when the
/// exchange's idle or total timeout expires, and with a 502 when the connection breaks mid-body. The caller's own
/// cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class UpstreamBodyStream(Stream inner, UpstreamExchange exchange, CancellationToken callerToken) : Stream
{
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
        exchange.ReadStarted();
        try
        {
            if (cancellationToken.CanBeCanceled && cancellationToken != callerToken && cancellationToken != exchange.Token)
            {
                using var perRead = CancellationTokenSource.CreateLinkedTokenSource(exchange.Token, cancellationToken);
                return await inner.ReadAsync(buffer, perRead.Token);
            }

            return await inner.ReadAsync(buffer, exchange.Token);
        }
        catch (OperationCanceledException ex) when (!callerToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw UpstreamHttp.Timeout(exchange.ExpiredTimeout ?? "idle", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !callerToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (exchange.ExpiredTimeout is { } expired)
            {
                throw UpstreamHttp.Timeout(expired, ex);
            }

            throw new ProviderException(ProviderErrorKind.Unreachable, 502, "The upstream connection broke while sending its answer.", ex)
            {
                ErrorType = "api_connection_error",
                ErrorCode = "upstream_disconnected",
            };
        }
        finally
        {
            exchange.ReadEnded();
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
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
