using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Providers;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary><c>POST /v1/messages</c>: the Anthropic Messages API, streaming or not.</summary>
internal sealed class MessagesEndpoint : AnthropicEndpoint
{
    public MessagesEndpoint(IServiceProvider services, GatewayState state, TimeProvider time, ILogger<MessagesEndpoint> logger)
        : base(state, time, logger, ApiOperation.Chat)
    {
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMaxTokens: true);

    private async Task AnswerAsync(GatewayContext context)
    {
        var exchange = (AnthropicExchange)context.Exchange!;
        var http = exchange.Http;
        var target = context.Target!;
        var provider = target.Provider;

        // Same format: forward the client's bytes with only the model name rewritten.
        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.Anthropic)
        {
            var scan = exchange.Scan;
            var body = AnthropicPassthroughRelay.RewriteBody(exchange.Body!.Span, scan, target.Deployment.Model);
            var request = new PassthroughRequest(ApiOperation.Chat, body, scan.Stream) { ForwardedHeaders = AnthropicPassthroughRelay.ForwardedHeaders(exchange.Version, exchange.Betas) };
            await using var upstream = await passthrough.SendAsync(request, http.RequestAborted);
            await AnthropicPassthroughRelay.RelayAsync(context, http, upstream, scan.Stream, meter: true, Time);
            return;
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
            await TranslatedMessagesWriter.StreamAsync(context, http, provider, chat, Time);
        }
        else
        {
            await TranslatedMessagesWriter.CompleteAsync(context, http, provider, chat, Time);
        }
    }
}
