using System.Buffers;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Http;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary><c>POST /v1/embeddings</c>: pass-through to OpenAI-format upstreams, canonical otherwise.</summary>
internal sealed class EmbeddingsEndpoint : OpenAIEndpoint
{
    public EmbeddingsEndpoint(IServiceProvider services, GatewayState state, TimeProvider time, ILogger<EmbeddingsEndpoint> logger)
        : base(state, time, logger, ApiOperation.Embeddings)
    {
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMessages: false, requireInput: true);

    private async Task AnswerAsync(GatewayContext context)
    {
        var exchange = (OpenAIExchange)context.Exchange!;
        var http = exchange.Http;
        var target = context.Target!;
        var provider = target.Provider;

        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.OpenAI)
        {
            var body = PassthroughRelay.RewriteBody(exchange.Body!.Span, exchange.Scan, target.Deployment.Model, injectUsage: false);
            await using var upstream = await passthrough.SendAsync(new PassthroughRequest(ApiOperation.Embeddings, body, Stream: false), http.RequestAborted);
            if (upstream.StatusCode is < 200 or > 299)
            {
                var error = await UpstreamHttp.ReadBodyAsync(upstream, http.RequestAborted);
                throw OpenAIErrorMapper.ToException(upstream.StatusCode, error, upstream.RelayedHeaders, Time);
            }

            var bytes = await UpstreamHttp.ReadBodyAsync(upstream, http.RequestAborted);
            context.FirstTokenTimestamp = Time.GetTimestamp();
            context.Usage = ReadEmbeddingUsage(bytes);
            http.Response.ContentType = upstream.ContentType ?? "application/json";
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
            return;
        }

        if (!provider.Capabilities.Embeddings)
        {
            throw ProviderException.Unsupported(target.Deployment.Provider, "Embeddings");
        }

        var request = OpenAIEmbeddingMapper.ParseRequest(exchange.Body!.Memory);
        request.Model = target.Deployment.Model;
        var response = await provider.EmbedAsync(request, http.RequestAborted);
        context.FirstTokenTimestamp = Time.GetTimestamp();
        context.Usage = new ChatUsage { InputTokens = response.InputTokens };
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            OpenAIEmbeddingMapper.WriteResponse(writer, response, request.Encoding);
        }

        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private static ChatUsage? ReadEmbeddingUsage(ReadOnlySpan<byte> body)
    {
        // Embeddings usage has prompt_tokens and total_tokens only; the chat usage reader handles that shape.
        return OpenAIUsageReader.TryRead(body, out var usage, out _) ? usage : null;
    }
}
