using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Providers;
using Tollgate.Core.Routing;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary><c>POST /v1/messages</c>: the Anthropic Messages API, streaming or not.</summary>
internal sealed class MessagesEndpoint : AnthropicEndpoint
{
    private readonly RouteRunner _router;

    public MessagesEndpoint(IServiceProvider services, GatewayState state, RouteRunner router, TimeProvider time, ILogger<MessagesEndpoint> logger)
        : base(state, time, logger, ApiOperation.Chat)
    {
        _router = router;
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMaxTokens: true);

    private Task AnswerAsync(GatewayContext context) =>
        _router.RunAsync(context, attempt => StartAsync(context, attempt), (answer, _) => WriteAsync(context, answer));

    /// <summary>One attempt, up to the answer's first bytes (or the whole answer); nothing reaches the client yet.</summary>
    private async Task<StartedAnswer> StartAsync(GatewayContext context, RouteAttempt attempt)
    {
        var exchange = (AnthropicExchange)context.Exchange!;
        var target = attempt.Target;
        var provider = target.Provider;

        // Same format: forward the client's bytes with only the model name rewritten.
        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.Anthropic)
        {
            var scan = exchange.Scan;
            var body = AnthropicPassthroughRelay.RewriteBody(exchange.Body!.Span, scan, target.Deployment.Model);
            var request = new PassthroughRequest(ApiOperation.Chat, body, scan.Stream) { ForwardedHeaders = AnthropicPassthroughRelay.ForwardedHeaders(exchange.Version, exchange.Betas) };
            var upstream = await PassthroughAttempt.StartAsync(
                passthrough, request, attempt,
                (status, error, headers) => AnthropicUpstreamError.ToException(status, error, headers, Time));
            return new StartedAnswer(upstream, hideUsageChunk: false);
        }

        // Another format: through the canonical model.
        var chat = AnthropicRequestParser.Parse(exchange.Body!.Memory);
        chat.Model = target.Deployment.Model;
        chat.Betas = exchange.Betas.Count > 0 ? [.. exchange.Betas] : null;
        RecordDroppedFields(context, target.Deployment.Provider, chat.AdditionalProperties);
        chat.AdditionalProperties = null;
        chat = CapabilityGuard.Apply(chat, provider.Capabilities, target.Deployment.Provider, out var report);
        RecordStripped(context, target.Deployment.Provider, report);
        if (chat.Stream)
        {
            chat.IncludeUsage = true;
        }

        var primed = chat.Stream
            ? await PrimedChatProvider.StartStreamAsync(provider, chat, attempt)
            : await PrimedChatProvider.StartCompleteAsync(provider, chat, attempt);
        return new StartedAnswer(primed, chat);
    }

    /// <summary>Writes the winning attempt's answer.</summary>
    private Task WriteAsync(GatewayContext context, StartedAnswer answer)
    {
        var exchange = (AnthropicExchange)context.Exchange!;
        var http = exchange.Http;
        if (answer.Upstream is { } upstream)
        {
            return AnthropicPassthroughRelay.RelayAsync(context, http, upstream, exchange.Scan.Stream, meter: true, Time);
        }

        return answer.Request!.Stream
            ? TranslatedMessagesWriter.StreamAsync(context, http, answer.Translated!, answer.Request, Time)
            : TranslatedMessagesWriter.CompleteAsync(context, http, answer.Translated!, answer.Request, Time);
    }
}
