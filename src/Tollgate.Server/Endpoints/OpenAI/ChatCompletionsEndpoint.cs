using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Limits;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Providers;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary><c>POST /v1/chat/completions</c>.</summary>
internal sealed class ChatCompletionsEndpoint : OpenAIEndpoint
{
    public ChatCompletionsEndpoint(IServiceProvider services, GatewayState state, TimeProvider time, ILogger<ChatCompletionsEndpoint> logger)
        : base(state, time, logger, ApiOperation.Chat)
    {
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMessages: true, requireInput: false);

    private async Task AnswerAsync(GatewayContext context)
    {
        var exchange = (OpenAIExchange)context.Exchange!;
        var http = exchange.Http;
        var target = context.Target!;
        var provider = target.Provider;

        // Same format: forward the client's bytes with only the model name rewritten.
        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.OpenAI)
        {
            var scan = exchange.Scan;
            var injectUsage = scan.Stream && !scan.HasStreamOptions && (provider is not OpenAIChatProvider openai || openai.StreamUsage);
            var body = PassthroughRelay.RewriteBody(exchange.Body!.Span, scan, target.Deployment.Model, injectUsage);
            await using var upstream = await passthrough.SendAsync(new PassthroughRequest(ApiOperation.Chat, body, scan.Stream), http.RequestAborted);
            await PassthroughRelay.RelayAsync(context, http, upstream, scan.Stream, hideUsageChunk: injectUsage, Time);
            return;
        }

        // Another format: through the canonical model.
        var request = OpenAIRequestMapper.Parse(exchange.Body!.Memory);
        request.Model = target.Deployment.Model;
        request.MaxTokens ??= OutputCap.UpstreamMaxTokens(context, request.MaxTokens, request.N);
        request = CapabilityGuard.Apply(request, provider.Capabilities, target.Deployment.Provider, out var report);
        RecordStripped(context, target.Deployment.Provider, report);
        if (request.Stream)
        {
            await TranslatedChatWriter.StreamAsync(context, http, provider, request, Time);
        }
        else
        {
            await TranslatedChatWriter.CompleteAsync(context, http, provider, request, Time);
        }
    }
}
