using System.Globalization;
using Microsoft.Extensions.Primitives;
using Tollgate.Core.Errors;
using Tollgate.Core.Gateway;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// What every Anthropic-surface endpoint shares: building the request's <see cref="GatewayContext"/>, running the
/// pipeline, and turning any failure into an Anthropic-shaped error (or an <c>error</c> event once a stream has
/// started).
/// </summary>
internal abstract partial class AnthropicEndpoint(GatewayState state, TimeProvider time, ILogger logger, ApiOperation operation)
{
    /// <summary>The first <c>anthropic-version</c> of the Messages API; earlier dates (2023-01-01) are refused.</summary>
    public static readonly DateOnly MinimumVersion = new(2023, 6, 1);

    protected TimeProvider Time => time;

    protected ILogger Logger => logger;

    protected abstract GatewayDelegate Pipeline { get; }

    public async Task HandleAsync(HttpContext http)
    {
        var exchange = new AnthropicExchange(http);
        var context = new GatewayContext
        {
            RequestId = http.TraceIdentifier,
            Surface = WireFormat.Anthropic,
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
    /// The surface's read step: the <c>anthropic-version</c> and <c>anthropic-beta</c> headers (400), the body under
    /// the size limit (413), the scan that validates it and finds the model (400).
    /// </summary>
    protected static async Task ReadRequestAsync(GatewayContext context, bool requireMaxTokens)
    {
        var exchange = (AnthropicExchange)context.Exchange!;
        var http = exchange.Http;
        exchange.Version = CheckVersion(http.Request.Headers["anthropic-version"]);
        exchange.Betas = ReadBetas(http.Request.Headers["anthropic-beta"]);
        exchange.Body = await RequestBody.ReadAsync(http.Request, context.Snapshot.Config.Server.MaxRequestBodyBytes, http.RequestAborted);
        exchange.Scan = AnthropicRequestScanner.Scan(exchange.Body.Span, requireMaxTokens);
        context.RequestBody = exchange.Body.Memory;
        context.RequestedModel = exchange.Scan.Model;
        context.Stream = exchange.Scan.Stream;
        RoutingHeaders.ReadTimeout(http.Request, context);
    }

    /// <summary>Refuses a missing, malformed or pre-2023-06-01 <c>anthropic-version</c> with 400, as the Messages API does.</summary>
    public static string CheckVersion(StringValues header)
    {
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
        {
            throw GatewayException.InvalidRequest("anthropic-version: header is required", "anthropic-version");
        }

        var value = header[0]!.Trim();
        if (header.Count > 1 ||
            !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ||
            date < MinimumVersion)
        {
            throw GatewayException.InvalidRequest(
                "anthropic-version: invalid version. Send a single API version date, 2023-06-01 or later (see https://docs.claude.com/en/api/versioning).",
                "anthropic-version");
        }

        return value;
    }

    /// <summary>The beta names of every <c>anthropic-beta</c> header, comma-separated lists split, blanks and repeats dropped, order kept.</summary>
    public static IReadOnlyList<string> ReadBetas(StringValues headers)
    {
        if (headers.Count == 0)
        {
            return [];
        }

        var betas = new List<string>();
        foreach (var header in headers)
        {
            foreach (var name in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!betas.Contains(name, StringComparer.Ordinal))
                {
                    betas.Add(name);
                }
            }
        }

        return betas;
    }

    /// <summary>Logs what <see cref="Core.Providers.CapabilityGuard"/> stripped from a translated request, if anything.</summary>
    protected void RecordStripped(GatewayContext context, string provider, Core.Providers.CapabilityReport report)
    {
        if (!report.IsEmpty)
        {
            LogStripped(logger, context.RequestId, provider, report.StrippedReasoningState, report.StrippedCacheMarkers, report.DroppedBetas);
        }
    }

    /// <summary>Logs the unknown top-level fields a translated request leaves behind (they reach Anthropic upstreams only).</summary>
    protected void RecordDroppedFields(GatewayContext context, string provider, System.Text.Json.Nodes.JsonObject? fields)
    {
        if (fields is { Count: > 0 } && logger.IsEnabled(LogLevel.Debug))
        {
            var names = string.Join(", ", fields.Select(f => f.Key));
            LogDroppedFields(logger, context.RequestId, provider, names);
        }
    }

    private async Task WriteErrorAsync(HttpContext http, Exception exception)
    {
        var (status, type, _, _) = AnthropicErrorWriter.Describe(exception);
        if (status >= 500 && exception is not ProviderException)
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
                await AnthropicErrorWriter.WriteAsync(http, exception);
            }
            else
            {
                await AnthropicErrorWriter.WriteStreamEventAsync(http, exception, http.RequestAborted);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} to provider {Provider}: Anthropic-only top-level fields not forwarded: {Fields}")]
    private static partial void LogDroppedFields(ILogger logger, string requestId, string provider, string fields);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} answered {Status} {ErrorType}")]
    private static partial void LogRefused(ILogger logger, string requestId, int status, string errorType);
}
