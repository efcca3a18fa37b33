using System.Buffers;
using System.Text.Json;
using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: an Anthropic upstream counts through the pass-through; a provider that
/// implements <see cref="ITokenCountingProvider"/> counts itself; any other gets <see cref="TokenEstimator"/>'s
/// conservative local estimate.
/// </summary>
internal sealed class CountTokensEndpoint : AnthropicEndpoint
{
    public CountTokensEndpoint(IServiceProvider services, GatewayState state, TimeProvider time, ILogger<CountTokensEndpoint> logger)
        : base(state, time, logger, ApiOperation.CountTokens)
    {
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMaxTokens: false);

    private async Task AnswerAsync(GatewayContext context)
    {
        var exchange = (AnthropicExchange)context.Exchange!;
        var http = exchange.Http;
        var target = context.Target!;
        var provider = target.Provider;
        context.Stream = false;

        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.Anthropic)
        {
            var body = AnthropicPassthroughRelay.RewriteBody(exchange.Body!.Span, exchange.Scan, target.Deployment.Model);
            var request = new PassthroughRequest(ApiOperation.CountTokens, body, Stream: false) { ForwardedHeaders = AnthropicPassthroughRelay.ForwardedHeaders(exchange.Version, exchange.Betas) };
            await using var upstream = await passthrough.SendAsync(request, http.RequestAborted);

            // A count is not a model call: it records no token usage.
            await AnthropicPassthroughRelay.RelayAsync(context, http, upstream, stream: false, meter: false, Time);
            return;
        }

        var chat = AnthropicRequestParser.Parse(exchange.Body!.Memory, countTokens: true);
        chat.Model = target.Deployment.Model;
        chat.AdditionalProperties = null;
        var count = provider is ITokenCountingProvider counter
            ? await counter.CountTokensAsync(chat, http.RequestAborted)
            : TokenEstimator.Estimate(chat);

        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("input_tokens", count);
            writer.WriteEndObject();
        }

        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }
}
