using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Core.Sse;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Cohere;

/// <summary>
/// Serves canonical chat requests from Cohere's v2 Chat API (<c>POST /v2/chat</c>) and embeddings from
/// <c>POST /v2/embed</c>, translating both ways (<see cref="CohereMapper"/>, <see cref="CohereStreamTranslator"/>). Thread-safe.
/// </summary>
public sealed class CohereChatProvider : IChatProvider
{
    private readonly CohereProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly AuthenticationHeaderValue _authorization;

    /// <summary>Creates the provider.</summary>
    public CohereChatProvider(CohereProviderOptions options, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        _options = options;
        _context = context;
        _authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One answer per request (no <c>n</c>); Cohere's log probabilities have their own shape and are not offered;
    /// documents are text documents for grounding (its citations are not carried into answers).
    /// </remarks>
    public ProviderCapabilities Capabilities { get; } = new()
    {
        NativeFormat = WireFormat.None,
        Vision = true,
        Documents = true,
        Tools = true,
        JsonOutput = true,
        Seed = true,
        TopK = true,
        Penalties = true,
        Reasoning = true,
        Embeddings = true,
    };

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(w => CohereMapper.WriteRequest(w, request, stream: false, _options.Name));
        await using var response = await SendAsync(_options.ChatUri, body, stream: false, cancellationToken);
        var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw CohereErrorMapper.ToException(response.StatusCode, bytes, response.RelayedHeaders, _context.Time);
        }

        return CohereMapper.ParseResponse(bytes, request.Model, _context.Time);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(w => CohereMapper.WriteRequest(w, request, stream: true, _options.Name));
        await using var response = await SendAsync(_options.ChatUri, body, stream: true, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            throw CohereErrorMapper.ToException(response.StatusCode, bytes, response.RelayedHeaders, _context.Time);
        }

        var translator = new CohereStreamTranslator();
        await using var reader = new SseReader(response.Body);
        var updates = new List<ChatStreamUpdate>(2);
        while (!translator.IsComplete && await reader.ReadAsync(cancellationToken))
        {
            if (!reader.HasData)
            {
                continue;
            }

            updates.Clear();
            translator.Translate(reader.Data.Span, updates);
            foreach (var update in updates)
            {
                yield return update.Model is null ? WithModel(update, request.Model) : update;
            }
        }

        if (!translator.IsComplete)
        {
            throw CohereMapper.Invalid("The Cohere upstream's stream ended before message-end.", null);
        }
    }

    /// <inheritdoc/>
    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Serialize(w => CohereMapper.WriteEmbeddingRequest(w, request, _options.EmbedInputType));
        await using var response = await SendAsync(_options.EmbedUri, body, stream: false, cancellationToken);
        var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw CohereErrorMapper.ToException(response.StatusCode, bytes, response.RelayedHeaders, _context.Time);
        }

        return CohereMapper.ParseEmbeddingResponse(bytes, request.Model);
    }

    /// <inheritdoc/>
    public override string ToString() => $"cohere provider '{_options.Name}' at {_options.ChatUri}";

    private static ChatStreamUpdate WithModel(ChatStreamUpdate update, string model) => new()
    {
        Id = update.Id,
        Model = model,
        ChoiceIndex = update.ChoiceIndex,
        Role = update.Role,
        TextDelta = update.TextDelta,
        ThinkingDelta = update.ThinkingDelta,
        ToolCalls = update.ToolCalls,
        FinishReason = update.FinishReason,
        Usage = update.Usage,
    };

    private static ReadOnlyMemory<byte> Serialize(Action<Utf8JsonWriter> write) => JsonUpstreamRequest.Serialize(write);

    private Task<UpstreamResponse> SendAsync(Uri url, ReadOnlyMemory<byte> body, bool stream, CancellationToken cancellationToken) =>
        UpstreamHttp.SendAsync(
            _context.HttpClient, JsonUpstreamRequest.Create(url, body, stream, _authorization, _options.Headers), _options.Timeouts, _context.Time, cancellationToken);
}
