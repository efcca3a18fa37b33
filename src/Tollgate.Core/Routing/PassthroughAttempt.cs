using System.Buffers;
using Tollgate.Core.Http;
using Tollgate.Providers;

namespace Tollgate.Core.Routing;

/// <summary>
/// The start of a byte pass-through attempt: everything up to the first bytes of the answer, which is as far as an
/// attempt may go and still fail over. Nothing is written to the client here.
/// </summary>
public static class PassthroughAttempt
{
    private const int FirstReadBytes = 16 * 1024;

    /// <summary>
    /// Sends <paramref name="request"/> under the attempt's token and returns the upstream's answer primed: a streamed
    /// answer with its first bytes already read, any other answer read whole. An error status is read and thrown as
    /// <paramref name="toException"/> makes it (the surface's own error mapping), so the runner can classify it.
    /// </summary>
    public static async Task<UpstreamResponse> StartAsync(
        IPassthroughChatProvider provider,
        PassthroughRequest request,
        RouteAttempt attempt,
        Func<int, byte[], IReadOnlyList<KeyValuePair<string, string>>, Exception> toException)
    {
        var upstream = await provider.SendAsync(request, attempt.Token);
        try
        {
            attempt.ObserveHeaders(upstream.RelayedHeaders);
            if (upstream.StatusCode is < 200 or > 299)
            {
                var error = await UpstreamHttp.ReadBodyAsync(upstream, attempt.Token);
                throw toException(upstream.StatusCode, error, upstream.RelayedHeaders);
            }

            var isEventStream = upstream.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
            if (request.Stream && isEventStream)
            {
                // Pooled: the relay copies the first bytes out at its first read, and the stream then gives the buffer
                // back, so a long stream does not hold it (1,000 open streams held 16 MB of them).
                var first = ArrayPool<byte>.Shared.Rent(FirstReadBytes);
                int read;
                try
                {
                    read = await upstream.Body.ReadAsync(first.AsMemory(0, FirstReadBytes), attempt.Token);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(first);
                    throw;
                }

                return new UpstreamResponse(upstream.StatusCode, upstream.ContentType, new PrimedBodyStream(first, read, upstream.Body, attempt), upstream)
                {
                    RelayedHeaders = upstream.RelayedHeaders,
                };
            }

            var body = await UpstreamHttp.ReadBodyAsync(upstream, attempt.Token);
            return new UpstreamResponse(upstream.StatusCode, upstream.ContentType, new MemoryStream(body, writable: false), upstream)
            {
                RelayedHeaders = upstream.RelayedHeaders,
                ContentLength = body.Length,
            };
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }
}
