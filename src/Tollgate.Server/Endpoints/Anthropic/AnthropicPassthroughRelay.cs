using Tollgate.Core.Http;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// The Anthropic-to-Anthropic fast path: sends the client's JSON with only the model rewritten, then relays the
/// upstream's bytes (a stream event by event, flushed as they arrive) and reads the usage as it passes.
/// </summary>
internal static class AnthropicPassthroughRelay
{
    /// <summary>The client's body with the model value replaced by <paramref name="upstreamModel"/>; nothing else changes.</summary>
    public static byte[] RewriteBody(ReadOnlySpan<byte> body, AnthropicRequestScan scan, string upstreamModel) =>
        PassthroughRelay.RewriteBody(body, new OpenAIRequestScan(scan.Model, scan.ModelStart, scan.ModelEnd, scan.Stream, HasStreamOptions: true, IncludeUsage: false), upstreamModel, injectUsage: false);

    /// <summary>
    /// The client headers the upstream must see: its <c>anthropic-version</c> (the body was written for it) and its
    /// <c>anthropic-beta</c> names, when it sent any.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForwardedHeaders(string? version, IReadOnlyList<string> betas)
    {
        var headers = new List<KeyValuePair<string, string>>(2);
        if (!string.IsNullOrEmpty(version))
        {
            headers.Add(new("anthropic-version", version));
        }

        if (betas.Count > 0)
        {
            headers.Add(new("anthropic-beta", string.Join(',', betas)));
        }

        return headers;
    }

    /// <summary>Relays the upstream answer. Non-success statuses throw <see cref="ProviderException"/>, written in Anthropic's shape by the endpoint.</summary>
    public static async Task RelayAsync(GatewayContext context, HttpContext http, UpstreamResponse upstream, bool stream, bool meter, TimeProvider time)
    {
        var cancellationToken = http.RequestAborted;
        if (upstream.StatusCode is < 200 or > 299)
        {
            var errorBody = await UpstreamHttp.ReadBodyAsync(upstream, cancellationToken);
            throw AnthropicUpstreamError.ToException(upstream.StatusCode, errorBody, upstream.RelayedHeaders, time);
        }

        var response = http.Response;
        response.StatusCode = upstream.StatusCode;
        foreach (var (name, value) in upstream.RelayedHeaders)
        {
            response.Headers[name] = value;
        }

        var isEventStream = upstream.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        if (!stream || !isEventStream)
        {
            var bytes = await UpstreamHttp.ReadBodyAsync(upstream, cancellationToken);
            context.FirstTokenTimestamp = time.GetTimestamp();
            if (meter && AnthropicUsageReader.TryRead(bytes, null, out var usage))
            {
                context.Usage = usage;
            }

            response.ContentType = upstream.ContentType ?? "application/json";
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, cancellationToken);
            return;
        }

        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
        var cap = OutputCap.For(context);
        var relay = new AnthropicSseRelay(cap);
        try
        {
            await relay.RelayAsync(upstream.Body, response.BodyWriter, time, cancellationToken);
        }
        finally
        {
            // A stream that broke off (client gone, key revoked, upstream failure) is billed for what it relayed.
            context.Usage = relay.Complete ? relay.Usage ?? context.Usage : BrokenStreamUsage.Estimate(context, relay.Usage, relay.OutputPieces);
            context.FirstTokenTimestamp = relay.FirstEventTimestamp ?? context.FirstTokenTimestamp;
        }
    }
}
