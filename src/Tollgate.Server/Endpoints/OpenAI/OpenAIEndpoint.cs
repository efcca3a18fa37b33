using Tollgate.Core.Gateway;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// What every OpenAI-surface endpoint shares: building the request's <see cref="GatewayContext"/>, running the
/// pipeline, and turning any failure into an OpenAI-shaped error (or a final error event once a stream has started).
/// </summary>
internal abstract partial class OpenAIEndpoint(GatewayState state, TimeProvider time, ILogger logger, ApiOperation operation)
{
    protected TimeProvider Time => time;

    protected abstract GatewayDelegate Pipeline { get; }

    public async Task HandleAsync(HttpContext http)
    {
        var exchange = new OpenAIExchange(http);
        var context = new GatewayContext
        {
            RequestId = http.TraceIdentifier,
            Surface = WireFormat.OpenAI,
            Operation = operation,
            Snapshot = state.Current,
            StartTimestamp = time.GetTimestamp(),
            RequestAborted = http.RequestAborted,
            Abort = http.Abort,
            PresentedKey = BearerToken.Read(http.Request),
            Exchange = exchange,
        };

        UsageHeaders.Register(http, context, time);
        RoutingHeaders.Register(http, context);
        try
        {
            await Pipeline(context);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the upstream request was cancelled with it and there is no one to answer.
        }
        catch (Exception ex)
        {
            await WriteErrorAsync(http, ex);
        }
        finally
        {
            exchange.Body?.Dispose();
        }
    }

    /// <summary>
    /// The surface's read step: the body under the size limit (413), the scan that validates it and finds the model
    /// (400), then the model name and stream flag for the rest of the pipeline.
    /// </summary>
    protected static async Task ReadRequestAsync(GatewayContext context, bool requireMessages, bool requireInput)
    {
        var exchange = (OpenAIExchange)context.Exchange!;
        var http = exchange.Http;
        exchange.Body = await RequestBody.ReadAsync(http.Request, context.Snapshot.Config.Server.MaxRequestBodyBytes, http.RequestAborted);
        exchange.Scan = OpenAIRequestScanner.Scan(exchange.Body.Span, requireMessages, requireInput);
        context.RequestBody = exchange.Body.Memory;
        context.RequestedModel = exchange.Scan.Model;
        context.Stream = exchange.Scan.Stream;
        RoutingHeaders.ReadTimeout(http.Request, context);
    }

    /// <summary>Logs what <see cref="Core.Providers.CapabilityGuard"/> stripped from a translated request, if anything.</summary>
    protected void RecordStripped(GatewayContext context, string provider, Core.Providers.CapabilityReport report)
    {
        if (!report.IsEmpty)
        {
            LogStripped(logger, context.RequestId, provider, report.StrippedReasoningState, report.StrippedCacheMarkers, report.DroppedBetas);
        }
    }

    private async Task WriteErrorAsync(HttpContext http, Exception exception)
    {
        var (status, type, _, _, _, _) = OpenAIErrorWriter.Describe(exception);
        if (status >= 500 && exception is not Tollgate.Providers.ProviderException)
        {
            LogUnexpected(logger, http.TraceIdentifier, exception);
        }
        else
        {
            LogRefused(logger, http.TraceIdentifier, status, type);
        }

        try
        {
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                http.Response.Headers[RequestIdMiddleware.HeaderName] = http.TraceIdentifier;
                await OpenAIErrorWriter.WriteAsync(http, exception);
            }
            else
            {
                await OpenAIErrorWriter.WriteStreamEventAsync(http, exception, http.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is gone: nothing more can be said to this client.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} to provider {Provider}: stripped {ReasoningState} reasoning blocks or signatures of another provider family, {CacheMarkers} prompt-cache markers, {Betas} anthropic-beta names the provider does not accept")]
    private static partial void LogStripped(ILogger logger, string requestId, string provider, int reasoningState, int cacheMarkers, int betas);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} answered {Status} {ErrorType}")]
    private static partial void LogRefused(ILogger logger, string requestId, int status, string errorType);
}
