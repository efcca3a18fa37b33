using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Testing;

/// <summary>
/// The Kestrel server behind a fake upstream: 127.0.0.1 on a free port, every request recorded before its handler
/// runs, client disconnects counted. Thread-safe.
/// </summary>
public sealed class FakeUpstreamHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedUpstreamRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _abortedRequests;

    private FakeUpstreamHost(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The server's root, such as <c>http://127.0.0.1:54321</c>, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedUpstreamRequest> Requests => [.. _requests];

    /// <summary>How many requests ended because the client went away.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>Starts a server that passes each recorded request to <paramref name="handle"/>.</summary>
    public static async Task<FakeUpstreamHost> StartAsync(Func<HttpContext, RecordedUpstreamRequest, CancellationToken, Task> handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var host = new FakeUpstreamHost(app);
        app.Run(context => host.HandleAsync(context, handle));
        await app.StartAsync(cancellationToken);
        host.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return host;
    }

    /// <summary>Writes <paramref name="body"/> as a JSON answer.</summary>
    public static Task WriteJsonAsync(HttpContext context, int status, JsonNode body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), cancellationToken);
    }

    /// <summary>Starts a server-sent-event answer.</summary>
    public static Task StartEventStreamAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        return context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Writes one event (<c>event:</c> line when <paramref name="eventName"/> is given) and flushes it.</summary>
    public static async Task WriteEventAsync(HttpContext context, string? eventName, string data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = eventName is null ? $"data: {data}\n\n" : $"event: {eventName}\ndata: {data}\n\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Kestrel aborted the connections that were still open: that is all stopping needs.
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context, Func<HttpContext, RecordedUpstreamRequest, CancellationToken, Task> handle)
    {
        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        var token = linked.Token;
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(token);
            }

            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var recorded = new RecordedUpstreamRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty, headers, body);
            _requests.Enqueue(recorded);
            await handle(context, recorded, token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abortedRequests);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            context.Abort();
        }
    }
}
