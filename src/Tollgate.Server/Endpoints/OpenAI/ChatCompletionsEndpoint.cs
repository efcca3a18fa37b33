using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Limits;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Providers;
using Tollgate.Core.Routing;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary><c>POST /v1/chat/completions</c>.</summary>
internal sealed class ChatCompletionsEndpoint : OpenAIEndpoint
{
    private readonly RouteRunner _router;

    public ChatCompletionsEndpoint(IServiceProvider services, GatewayState state, RouteRunner router, TimeProvider time, ILogger<ChatCompletionsEndpoint> logger)
        : base(state, time, logger, ApiOperation.Chat)
    {
        _router = router;
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMessages: true, requireInput: false);

    private Task AnswerAsync(GatewayContext context) =>
        _router.RunAsync(context, attempt => StartAsync(context, attempt), (answer, _) => WriteAsync(context, answer));

    /// <summary>One attempt, up to the answer's first bytes (or the whole answer); nothing reaches the client yet.</summary>
    private async Task<StartedAnswer> StartAsync(GatewayContext context, RouteAttempt attempt)
    {
        var exchange = (OpenAIExchange)context.Exchange!;
        var target = attempt.Target;
        var provider = target.Provider;

        // Same format: forward the client's bytes with only the model name rewritten.
        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.OpenAI)
        {
            var scan = exchange.Scan;
            var injectUsage = scan.Stream && !scan.HasStreamOptions && (provider is not OpenAIChatProvider openai || openai.StreamUsage);
            var body = PassthroughRelay.RewriteBody(exchange.Body!.Span, scan, target.Deployment.Model, injectUsage);
            var upstream = await PassthroughAttempt.StartAsync(
                passthrough, new PassthroughRequest(ApiOperation.Chat, body, scan.Stream), attempt,
                (status, error, headers) => OpenAIErrorMapper.ToException(status, error, headers, Time));
            return new StartedAnswer(upstream, injectUsage);
        }

        // Another format: through the canonical model.
        var request = OpenAIRequestMapper.Parse(exchange.Body!.Memory);
        request.Model = target.Deployment.Model;
        request.MaxTokens ??= OutputCap.UpstreamMaxTokens(context, request.MaxTokens, request.N);
        request = CapabilityGuard.Apply(request, provider.Capabilities, target.Deployment.Provider, out var report);
        RecordStripped(context, target.Deployment.Provider, report);
        var primed = request.Stream
            ? await PrimedChatProvider.StartStreamAsync(provider, request, attempt)
            : await PrimedChatProvider.StartCompleteAsync(provider, request, attempt);
        return new StartedAnswer(primed, request);
    }

    /// <summary>Writes the winning attempt's answer.</summary>
    private Task WriteAsync(GatewayContext context, StartedAnswer answer)
    {
        var exchange = (OpenAIExchange)context.Exchange!;
        var http = exchange.Http;
        if (answer.Upstream is { } upstream)
        {
            return PassthroughRelay.RelayAsync(context, http, upstream, exchange.Scan.Stream, hideUsageChunk: answer.HideUsageChunk, Time);
        }

        return answer.Request!.Stream
            ? TranslatedChatWriter.StreamAsync(context, http, answer.Translated!, answer.Request, Time)
            : TranslatedChatWriter.CompleteAsync(context, http, answer.Translated!, answer.Request, Time);
    }
}
