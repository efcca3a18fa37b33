using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tollgate.Core.Tests.Testing;

/// <summary>
/// A loopback TCP server that hands each accepted connection, after its request headers, to a script that writes raw
/// HTTP/1.1 bytes: enough to make an upstream stall exactly where a test wants it to.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    private RawHttpServer(Func<NetworkStream, CancellationToken, Task> script)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync(script);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Cancelled when the server stops: scripts that stall wait on it.</summary>
    public CancellationToken Stopping => _stop.Token;

    public static RawHttpServer Start(Func<NetworkStream, CancellationToken, Task> script) => new(script);

    public static async Task WriteAsync(NetworkStream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(Func<NetworkStream, CancellationToken, Task> script)
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client, script));
            }
        }
        finally
        {
            await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, Func<NetworkStream, CancellationToken, Task> script)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                await ReadHeadersAsync(stream, _stop.Token);
                await script(stream, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    private static async Task ReadHeadersAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var window = new byte[4];
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken) == 1)
        {
            window[0] = window[1];
            window[1] = window[2];
            window[2] = window[3];
            window[3] = one[0];
            if (window.AsSpan().SequenceEqual("\r\n\r\n"u8))
            {
                return;
            }
        }
    }
}
