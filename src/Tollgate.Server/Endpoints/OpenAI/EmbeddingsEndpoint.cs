using System.Buffers;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core;
using Tollgate.Core.Gateway;
using Tollgate.Core.Http;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Routing;
using Tollgate.Embeddings;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary><c>POST /v1/embeddings</c>: pass-through to OpenAI-format upstreams, canonical otherwise.</summary>
internal sealed class EmbeddingsEndpoint : OpenAIEndpoint
{
    private readonly RouteRunner _router;

    public EmbeddingsEndpoint(IServiceProvider services, GatewayState state, RouteRunner router, TimeProvider time, ILogger<EmbeddingsEndpoint> logger)
        : base(state, time, logger, ApiOperation.Embeddings)
    {
        _router = router;
        Pipeline = GatewayPipeline.Build(services, ReadAsync, AnswerAsync);
    }

    protected override GatewayDelegate Pipeline { get; }

    private Task ReadAsync(GatewayContext context) => ReadRequestAsync(context, requireMessages: false, requireInput: true);

    private Task AnswerAsync(GatewayContext context) =>
        _router.RunAsync(context, attempt => StartAsync(context, attempt), (answer, _) => WriteAsync(context, answer.Value));

    /// <summary>One attempt, to the whole answer; nothing reaches the client yet.</summary>
    private async Task<PrimedAnswer<EmbeddingAnswer>> StartAsync(GatewayContext context, RouteAttempt attempt)
    {
        var exchange = (OpenAIExchange)context.Exchange!;
        var target = attempt.Target;
        var provider = target.Provider;
        if (provider is IPassthroughChatProvider passthrough && provider.Capabilities.NativeFormat == WireFormat.OpenAI)
        {
            var body = PassthroughRelay.RewriteBody(exchange.Body!.Span, exchange.Scan, target.Deployment.Model, injectUsage: false);
            await using var upstream = await passthrough.SendAsync(new PassthroughRequest(ApiOperation.Embeddings, body, Stream: false), attempt.Token);
            attempt.ObserveHeaders(upstream.RelayedHeaders);
            var bytes = await UpstreamHttp.ReadBodyAsync(upstream, attempt.Token);
            if (upstream.StatusCode is < 200 or > 299)
            {
                throw OpenAIErrorMapper.ToException(upstream.StatusCode, bytes, upstream.RelayedHeaders, Time);
            }

            return new(new EmbeddingAnswer(bytes, upstream.ContentType ?? "application/json", ReadEmbeddingUsage(bytes), null, null));
        }

        if (!provider.Capabilities.Embeddings)
        {
            throw ProviderException.Unsupported(target.Deployment.Provider, "Embeddings");
        }

        var request = OpenAIEmbeddingMapper.ParseRequest(exchange.Body!.Memory);
        request.Model = target.Deployment.Model;
        var response = await provider.EmbedAsync(request, attempt.Token);
        return new(new EmbeddingAnswer(null, "application/json", new ChatUsage { InputTokens = response.InputTokens }, response, request));
    }

    private async Task WriteAsync(GatewayContext context, EmbeddingAnswer answer)
    {
        var http = ((OpenAIExchange)context.Exchange!).Http;
        context.FirstTokenTimestamp = Time.GetTimestamp();
        context.Usage = answer.Usage;
        http.Response.ContentType = answer.ContentType;
        if (answer.Bytes is { } bytes)
        {
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            OpenAIEmbeddingMapper.WriteResponse(writer, answer.Response!, answer.Request!.Encoding);
        }

        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private static ChatUsage? ReadEmbeddingUsage(ReadOnlySpan<byte> body)
    {
        // Embeddings usage has prompt_tokens and total_tokens only; the chat usage reader handles that shape.
        return OpenAIUsageReader.TryRead(body, out var usage, out _) ? usage : null;
    }

    /// <summary>An embeddings answer in hand: the upstream's bytes (pass-through) or the canonical response.</summary>
    private sealed record EmbeddingAnswer(byte[]? Bytes, string ContentType, ChatUsage? Usage, EmbeddingResponse? Response, EmbeddingRequest? Request);
}
