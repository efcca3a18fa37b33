using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Core.Sse;
using Tollgate.Embeddings;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Mistral;

/// <summary>
/// Serves canonical chat requests from Mistral's own chat completions API (<c>POST /v1/chat/completions</c>) and
/// embeddings (<c>POST /v1/embeddings</c>), translating both ways (<see cref="MistralMapper"/>). Thread-safe.
/// </summary>
public sealed class MistralChatProvider : IChatProvider
{
    private readonly MistralProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly AuthenticationHeaderValue _authorization;

    /// <summary>Creates the provider.</summary>
    public MistralChatProvider(MistralProviderOptions options, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        _options = options;
        _context = context;
        _authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Mistral has no log probabilities and no top-k; images need a vision model, <c>document_url</c> a document model,
    /// and reasoning (<c>prompt_mode: reasoning</c>, <c>thinking</c> chunks) a Magistral model.
    /// </remarks>
    public ProviderCapabilities Capabilities { get; } = new()
    {
        NativeFormat = WireFormat.None,
        Vision = true,
        Documents = true,
        Tools = true,
        JsonOutput = true,
        Seed = true,
        MultipleChoices = true,
        Penalties = true,
        Reasoning = true,
        Embeddings = true,
    };

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(w => MistralMapper.WriteRequest(w, request, stream: false, _options.Name));
        await using var response = await SendAsync(_options.ChatUri, body, stream: false, cancellationToken);
        var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw MistralErrorMapper.ToException(response.StatusCode, bytes, response.RelayedHeaders, _context.Time);
        }

        return MistralMapper.ParseResponse(bytes, _context.Time);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(w => MistralMapper.WriteRequest(w, request, stream: true, _options.Name));
        await using var response = await SendAsync(_options.ChatUri, body, stream: true, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            throw MistralErrorMapper.ToException(response.StatusCode, bytes, response.RelayedHeaders, _context.Time);
        }

        await using var reader = new SseReader(response.Body);
        var updates = new List<ChatStreamUpdate>(2);
        var done = false;
        while (!done && await reader.ReadAsync(cancellationToken))
        {
            if (!reader.HasData)
            {
                continue;
            }

            var data = reader.Data.Span;
            if (data.SequenceEqual("[DONE]"u8))
            {
                done = true;
                continue;
            }

            if (data.Length > 0 && data[0] == (byte)'{' && data.IndexOf("\"object\":\"error\""u8) >= 0)
            {
                throw MistralErrorMapper.ToException(502, data, response.RelayedHeaders, _context.Time);
            }

            updates.Clear();
            MistralMapper.ParseChunk(data, updates);
            foreach (var update in updates)
            {
                yield return update;
            }
        }

        if (!done)
        {
            throw new ProviderException(ProviderErrorKind.InvalidResponse, 502, "The Mistral upstream's stream ended before [DONE].")
            {
                ErrorType = "api_error",
                ErrorCode = "invalid_upstream_response",
            };
        }
    }

    /// <inheritdoc/>
    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(w => MistralMapper.WriteEmbeddingRequest(w, request));
        await using var response = await SendAsync(_options.EmbeddingsUri, body, stream: false, cancellationToken);
        var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw MistralErrorMapper.ToException(response.StatusCode, bytes, response.RelayedHeaders, _context.Time);
        }

        // Mistral answers embeddings in OpenAI's list shape ({"data":[{"embedding":[...],"index":0}],"usage":{...}}).
        return OpenAIEmbeddingMapper.ParseResponse(bytes);
    }

    /// <inheritdoc/>
    public override string ToString() => $"mistral provider '{_options.Name}' at {_options.ChatUri}";

    private static ReadOnlyMemory<byte> Serialize(Action<Utf8JsonWriter> write) => JsonUpstreamRequest.Serialize(write);

    private Task<UpstreamResponse> SendAsync(Uri url, ReadOnlyMemory<byte> body, bool stream, CancellationToken cancellationToken) =>
        UpstreamHttp.SendAsync(
            _context.HttpClient, JsonUpstreamRequest.Create(url, body, stream, _authorization, _options.Headers), _options.Timeouts, _context.Time, cancellationToken);
}
