using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Core.Configuration;
using Tollgate.Core.Http;
using Tollgate.Core.Tests.Testing;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Http;

public sealed class UpstreamHttpTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

#pragma warning disable RS0030 // tests own their client
    private readonly HttpClient _client = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore RS0030

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task SendAsync_NoResponseHeadersWithinFirstByteTimeout_ThrowsTimeout504()
    {
        await using var server = RawHttpServer.Start((_, stop) => Task.Delay(Timeout.Infinite, stop));
        var timeouts = new UpstreamTimeouts(Long, FirstByte: Short, Idle: Long, Total: Long);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => SendAsync(server.BaseUri, timeouts, CancellationToken.None));

        Assert.Equal(ProviderErrorKind.Timeout, ex.Kind);
        Assert.Equal(504, ex.StatusCode);
        Assert.Contains("first-byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadBody_StallBetweenChunks_ThrowsIdleTimeout504()
    {
        await using var server = RawHttpServer.Start(async (stream, stop) =>
        {
            await RawHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n", stop);
            await RawHttpServer.WriteAsync(stream, "6\r\ndata: \r\n", stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        var timeouts = new UpstreamTimeouts(Long, FirstByte: Long, Idle: Short, Total: Long);
        await using var response = await SendAsync(server.BaseUri, timeouts, CancellationToken.None);
        var buffer = new byte[64];

        var first = await response.Body.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => response.Body.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(6, first);
        Assert.Equal(ProviderErrorKind.Timeout, ex.Kind);
        Assert.Equal(504, ex.StatusCode);
        Assert.Contains("idle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ClosedPort_ThrowsUnreachable502()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => SendAsync(new Uri($"http://127.0.0.1:{port}/"), UpstreamTimeouts.Default, CancellationToken.None));

        Assert.Equal(ProviderErrorKind.Unreachable, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceledNotProviderException()
    {
        await using var server = RawHttpServer.Start((_, stop) => Task.Delay(Timeout.Infinite, stop));
        using var caller = new CancellationTokenSource(Short);

        var ex = await Record.ExceptionAsync(() => SendAsync(server.BaseUri, UpstreamTimeouts.Default, caller.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    [Fact]
    public async Task ReadBody_CallerCancelsMidBody_ThrowsOperationCanceledNotProviderException()
    {
        await using var server = RawHttpServer.Start(async (stream, stop) =>
        {
            await RawHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n", stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        using var caller = new CancellationTokenSource();
        await using var response = await SendAsync(server.BaseUri, UpstreamTimeouts.Default, caller.Token);
        var buffer = new byte[16];
        Assert.Equal(1, await response.Body.ReadAsync(buffer, caller.Token).AsTask().WaitAsync(TestTimeout));

        caller.CancelAfter(Short);
        var ex = await Record.ExceptionAsync(() => response.Body.ReadAsync(buffer, caller.Token).AsTask().WaitAsync(TestTimeout));

        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    [Fact]
    public async Task SendAsync_RetryHeaders_AreRelayed()
    {
        await using var server = RawHttpServer.Start((stream, stop) => RawHttpServer.WriteAsync(
            stream,
            "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nretry-after: 3\r\nretry-after-ms: 2500\r\nx-ratelimit-remaining-requests: 0\r\nx-other: 1\r\nContent-Length: 2\r\n\r\n{}",
            stop));

        await using var response = await SendAsync(server.BaseUri, UpstreamTimeouts.Default, CancellationToken.None);
        var body = await UpstreamHttp.ReadBodyAsync(response, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(429, response.StatusCode);
        Assert.Equal("{}"u8.ToArray(), body);
        Assert.Equal(
            new KeyValuePair<string, string>[] { new("retry-after", "3"), new("retry-after-ms", "2500"), new("x-ratelimit-remaining-requests", "0") },
            response.RelayedHeaders);
    }

    [Theory]
    [InlineData("retry-after", "20", 20_000)]
    [InlineData("Retry-After", "1.5", 1_500)]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT", 60_000)]
    [InlineData("retry-after", "Wed, 21 Oct 2015 07:26:00 GMT", 0)]
    public void ParseRetryAfter_Header_ReturnsDelay(string name, string value, int expectedMs)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2015, 10, 21, 7, 27, 0, TimeSpan.Zero));

        var delay = UpstreamHttp.ParseRetryAfter([new(name, value)], time);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Fact]
    public void ParseRetryAfter_BothHeaders_PrefersMilliseconds()
    {
        var delay = UpstreamHttp.ParseRetryAfter([new("retry-after", "20"), new("retry-after-ms", "1200")], new FakeTimeProvider());

        Assert.Equal(TimeSpan.FromMilliseconds(1200), delay);
    }

    [Theory]
    [InlineData("retry-after", "soon")]
    [InlineData("retry-after", "-5")]
    [InlineData("retry-after-ms", "x")]
    [InlineData("x-ratelimit-reset-requests", "1s")]
    public void ParseRetryAfter_Unusable_ReturnsNull(string name, string value)
    {
        Assert.Null(UpstreamHttp.ParseRetryAfter([new(name, value)], new FakeTimeProvider()));
    }

    private async Task<UpstreamResponse> SendAsync(Uri uri, UpstreamTimeouts timeouts, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        return await UpstreamHttp.SendAsync(_client, request, timeouts, TimeProvider.System, cancellationToken).WaitAsync(TestTimeout, CancellationToken.None);
    }
}
