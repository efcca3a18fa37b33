using Tollgate.Core.Http;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// The same-format fast path: sends the client's JSON with only the model rewritten, then relays the upstream's bytes.
/// A stream is relayed event by event as the upstream sends them, never buffered whole: every event that has arrived
/// is written and flushed before the next upstream read, so none waits for a later one. Usage is read from the
/// events as they pass.
/// </summary>
internal static class PassthroughRelay
{
    private static ReadOnlySpan<byte> StreamOptionsInjection => "\"stream_options\":{\"include_usage\":true},"u8;

    /// <summary>
    /// Builds the upstream body: the model value replaced, and for streams whose client did not set
    /// <c>stream_options</c>, <c>include_usage</c> switched on so the answer can be metered (the extra usage chunk is
    /// then kept from the client).
    /// </summary>
    public static byte[] RewriteBody(ReadOnlySpan<byte> body, OpenAIRequestScan scan, string upstreamModel, bool injectUsage)
    {
        var model = System.Text.Json.JsonEncodedText.Encode(upstreamModel, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var extra = injectUsage ? StreamOptionsInjection.Length : 0;
        var result = new byte[body.Length - (scan.ModelEnd - scan.ModelStart) + model.Length + 2 + extra];
        var open = body.IndexOf((byte)'{');
        var position = 0;

        // Step 1: up to and including the opening brace, then the injected stream_options.
        body[..(open + 1)].CopyTo(result);
        position = open + 1;
        if (injectUsage)
        {
            StreamOptionsInjection.CopyTo(result.AsSpan(position));
            position += StreamOptionsInjection.Length;
        }

        // Step 2: the rest up to the model value, the new value, and everything after it.
        body[(open + 1)..scan.ModelStart].CopyTo(result.AsSpan(position));
        position += scan.ModelStart - open - 1;
        result[position++] = (byte)'"';
        model.CopyTo(result.AsSpan(position));
        position += model.Length;
        result[position++] = (byte)'"';
        body[scan.ModelEnd..].CopyTo(result.AsSpan(position));
        return result;
    }

    /// <summary>Relays the upstream answer to the client. Non-success statuses throw <see cref="ProviderException"/> so they reach the client in OpenAI's shape.</summary>
    public static async Task RelayAsync(GatewayContext context, HttpContext http, UpstreamResponse upstream, bool stream, bool hideUsageChunk, TimeProvider time)
    {
        var cancellationToken = http.RequestAborted;
        if (upstream.StatusCode is < 200 or > 299)
        {
            var errorBody = await UpstreamHttp.ReadBodyAsync(upstream, cancellationToken);
            throw OpenAIErrorMapper.ToException(upstream.StatusCode, errorBody, upstream.RelayedHeaders, time);
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
            if (OpenAIUsageReader.TryRead(bytes, out var usage, out _))
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
        // A request that reserved tokens or money is held to its reserved output (OutputCap); the cut stream's usage
        // chunk goes to the client only when it asked for one itself.
        var clientWantsUsage = context.Exchange is OpenAIExchange { Scan: { HasStreamOptions: true, IncludeUsage: true } };
        var cap = OutputCap.For(context);
        var relay = new SseEventRelay(cap, clientWantsUsage);
        try
        {
            await relay.RelayAsync(upstream.Body, response.BodyWriter, hideUsageChunk, time, cancellationToken);
        }
        finally
        {
            // A stream that broke off (client gone, key revoked, upstream failure) is billed for what it relayed.
            context.Usage = relay.Complete ? relay.Usage ?? context.Usage : BrokenStreamUsage.Estimate(context, relay.Usage, relay.OutputPieces);
            context.FirstTokenTimestamp = relay.FirstEventTimestamp ?? context.FirstTokenTimestamp;
        }
    }
}
