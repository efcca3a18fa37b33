using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.Chat;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Core.Sse;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Gemini;

/// <summary>
/// Serves canonical chat and embeddings requests from Google's Gemini models, on the Gemini API (<c>type: gemini</c>,
/// <c>x-goog-api-key</c>) or on Vertex AI (<c>type: vertex</c>, OAuth bearer tokens from a service account). Both speak
/// the same generateContent records, so one mapper serves both; only the URLs, the credentials and the embeddings method
/// differ. Thread-safe.
/// </summary>
public sealed partial class GeminiChatProvider : IChatProvider, IDisposable
{
    private static readonly ProviderCapabilities GeminiCapabilities = new()
    {
        NativeFormat = WireFormat.None,
        Vision = true,
        Documents = true,
        Tools = true,
        JsonOutput = true,
        Logprobs = true,
        Seed = true,
        MultipleChoices = true,
        TopK = true,
        Penalties = true,
        Reasoning = true,

        // Gemini caches implicitly, or explicitly through cachedContent resources: neither is a per-request breakpoint.
        PromptCaching = false,
        Citations = false,
        AnthropicBetas = false,
        SignatureFamily = SignatureFamilies.Gemini,
        Embeddings = true,
    };

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly GeminiProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly GoogleAccessTokenSource? _tokens;
    private readonly ILogger _logger;

    internal GeminiChatProvider(GeminiProviderOptions options, ProviderContext context)
    {
        _options = options;
        _context = context;
        _tokens = options.Vertex ? new GoogleAccessTokenSource(options, context) : null;
        _logger = context.LoggerFactory.CreateLogger<GeminiChatProvider>();
    }

    /// <inheritdoc/>
    public ProviderCapabilities Capabilities => GeminiCapabilities;

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = GeminiMapper.ToWire(request, _options.Name, _options.Vertex);
        var payload = JsonSerializer.SerializeToUtf8Bytes(wire, GeminiJsonContext.Default.GeminiGenerateContentRequest);

        var (response, secret) = await SendAsync(request.Model, "generateContent", payload, stream: false, cancellationToken);
        await using (response)
        {
            var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            if (response.StatusCode is < 200 or > 299)
            {
                throw UpstreamError(response, body, secret);
            }

            GeminiGenerateContentResponse? answer;
            try
            {
                answer = JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GeminiGenerateContentResponse);
            }
            catch (JsonException ex)
            {
                throw InvalidResponse("The Google upstream's answer is not valid JSON.", ex);
            }

            if (answer is null)
            {
                throw InvalidResponse("The Google upstream's answer is empty.", null);
            }

            return GeminiMapper.FromWire(answer, request.Model, _context.Time.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Logprobs == true)
        {
            throw ProviderException.Unsupported(_options.Name, "Log probabilities in a streamed answer (logprobs with stream)");
        }

        var wire = GeminiMapper.ToWire(request, _options.Name, _options.Vertex);
        var payload = JsonSerializer.SerializeToUtf8Bytes(wire, GeminiJsonContext.Default.GeminiGenerateContentRequest);

        var (response, secret) = await SendAsync(request.Model, "streamGenerateContent", payload, stream: true, cancellationToken);
        await using (response)
        {
            if (response.StatusCode is < 200 or > 299)
            {
                var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
                throw UpstreamError(response, body, secret);
            }

            var translator = new GeminiStreamTranslator(request.Model, secret);
            await using var reader = new SseReader(response.Body);
            var updates = new List<ChatStreamUpdate>(4);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.HasData)
                {
                    continue;
                }

                updates.Clear();
                translator.Translate(reader.Data.Span, updates);
                foreach (var update in updates)
                {
                    yield return update;
                }
            }

            if (!translator.SawFinish)
            {
                throw InvalidResponse("The Google upstream's stream ended before a finishReason.", null);
            }

            if (translator.Complete() is { } usage)
            {
                yield return usage;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inputs.Count == 0)
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, "input must not be empty.") { ErrorType = "invalid_request_error", Param = "input" };
        }

        return _options.Vertex
            ? await EmbedVertexAsync(request, cancellationToken)
            : await EmbedGeminiAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _tokens?.Dispose();

    internal static ProviderException InvalidResponse(string message, Exception? inner) =>
        new(ProviderErrorKind.InvalidResponse, 502, message, inner)
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    private static string ModelPath(string model) =>
        Uri.EscapeDataString(model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model);

    private async Task<EmbeddingResponse> EmbedGeminiAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        // One input: :embedContent; several: :batchEmbedContents, whose entries must each name the model.
        byte[] payload;
        string method;
        if (request.Inputs.Count == 1)
        {
            method = "embedContent";
            payload = JsonSerializer.SerializeToUtf8Bytes(EmbedEntry(request, request.Inputs[0], null), GeminiJsonContext.Default.GeminiEmbedContentRequest);
        }
        else
        {
            method = "batchEmbedContents";
            var batch = new GeminiBatchEmbedContentsRequest();
            var modelName = "models/" + (request.Model.StartsWith("models/", StringComparison.Ordinal) ? request.Model["models/".Length..] : request.Model);
            foreach (var input in request.Inputs)
            {
                batch.Requests.Add(EmbedEntry(request, input, modelName));
            }

            payload = JsonSerializer.SerializeToUtf8Bytes(batch, GeminiJsonContext.Default.GeminiBatchEmbedContentsRequest);
        }

        var body = await SendForBodyAsync(request.Model, method, payload, cancellationToken);
        GeminiEmbedContentResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GeminiEmbedContentResponse);
        }
        catch (JsonException ex)
        {
            throw InvalidResponse("The Gemini upstream's embeddings answer is not valid JSON.", ex);
        }

        var embeddings = answer?.Embeddings ?? (answer?.Embedding is { } single ? [single] : null);
        if (embeddings is null || embeddings.Count != request.Inputs.Count || embeddings.Any(e => e.Values is null))
        {
            throw InvalidResponse("The Gemini upstream's embeddings answer does not hold one vector per input.", null);
        }

        // The Gemini API's embedding answers carry no token counts.
        return new EmbeddingResponse(request.Model, [.. embeddings.Select(e => e.Values!)], 0);
    }

    private GeminiEmbedContentRequest EmbedEntry(EmbeddingRequest request, string input, string? model) => new()
    {
        Model = model,
        Content = new GeminiContent { Parts = [new GeminiPart { Text = input }] },
        TaskType = _options.EmbeddingTaskType,
        OutputDimensionality = request.Dimensions,
    };

    private async Task<EmbeddingResponse> EmbedVertexAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        // text-embedding-00x take up to 250 instances per :predict; gemini-embedding models take one.
        var perRequest = request.Model.StartsWith("gemini-embedding", StringComparison.Ordinal) ? 1 : 250;
        var vectors = new List<float[]>(request.Inputs.Count);
        long tokens = 0;
        for (var start = 0; start < request.Inputs.Count; start += perRequest)
        {
            var predict = new VertexPredictRequest
            {
                Parameters = request.Dimensions is { } dimensions ? new VertexEmbeddingParameters { OutputDimensionality = dimensions } : null,
            };
            foreach (var input in request.Inputs.Skip(start).Take(perRequest))
            {
                predict.Instances.Add(new VertexEmbeddingInstance { Content = input, TaskType = _options.EmbeddingTaskType });
            }

            var payload = JsonSerializer.SerializeToUtf8Bytes(predict, GeminiJsonContext.Default.VertexPredictRequest);
            var body = await SendForBodyAsync(request.Model, "predict", payload, cancellationToken);
            VertexPredictResponse? answer;
            try
            {
                answer = JsonSerializer.Deserialize(body, GeminiJsonContext.Default.VertexPredictResponse);
            }
            catch (JsonException ex)
            {
                throw InvalidResponse("The Vertex AI upstream's embeddings answer is not valid JSON.", ex);
            }

            if (answer?.Predictions is not { } predictions || predictions.Count != predict.Instances.Count || predictions.Any(p => p.Embeddings?.Values is null))
            {
                throw InvalidResponse("The Vertex AI upstream's embeddings answer does not hold one vector per input.", null);
            }

            foreach (var prediction in predictions)
            {
                vectors.Add(prediction.Embeddings!.Values!);
                tokens += (long)(prediction.Embeddings.Statistics?.TokenCount ?? 0);
            }
        }

        return new EmbeddingResponse(request.Model, vectors, tokens);
    }

    private async Task<byte[]> SendForBodyAsync(string model, string method, byte[] payload, CancellationToken cancellationToken)
    {
        var (response, secret) = await SendAsync(model, method, payload, stream: false, cancellationToken);
        await using (response)
        {
            var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            if (response.StatusCode is < 200 or > 299)
            {
                throw UpstreamError(response, body, secret);
            }

            return body;
        }
    }

    private async Task<(UpstreamResponse Response, string? Secret)> SendAsync(string model, string method, byte[] payload, bool stream, CancellationToken cancellationToken)
    {
        // Step 1: credentials. Vertex's project may come from the key file, which the token source reads first.
        string? secret;
        string uri;
        if (_tokens is not null)
        {
            secret = await _tokens.GetTokenAsync(cancellationToken);
            var project = _options.Project ?? _tokens.ProjectId
                ?? throw new ProviderException(ProviderErrorKind.Upstream, 500, $"Provider '{_options.Name}': no project is configured (project, GOOGLE_CLOUD_PROJECT) and the key file has no project_id.")
                {
                    ErrorType = "api_error",
                    ErrorCode = "provider_credentials_invalid",
                };
            uri = $"{_options.BaseUrl}/v1/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(_options.Location!)}/publishers/google/models/{ModelPath(model)}:{method}";
        }
        else
        {
            secret = _options.ApiKey;
            uri = $"{_options.BaseUrl}/v1beta/models/{ModelPath(model)}:{method}";
        }

        // Step 2: the request. The key travels in a header only, so it never reaches a URL in a log.
        using var message = new HttpRequestMessage(HttpMethod.Post, stream ? uri + "?alt=sse" : uri);
        message.Content = new ByteArrayContent(payload);
        message.Content.Headers.ContentType = JsonContentType;
        if (_tokens is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        else if (!string.IsNullOrEmpty(secret))
        {
            message.Headers.TryAddWithoutValidation("x-goog-api-key", secret);
        }

        if (stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        var response = await UpstreamHttp.SendAsync(_context.HttpClient, message, _options.Timeouts, _context.Time, cancellationToken);
        if (response.StatusCode == 401 && _tokens is not null && secret is not null)
        {
            // Revoked or expired early: the next request fetches a new token instead of reusing this one.
            _tokens.Invalidate(secret);
        }

        return (response, secret);
    }

    private ProviderException UpstreamError(UpstreamResponse response, byte[] body, string? secret)
    {
        var retryAfter = UpstreamHttp.ParseRetryAfter(response.RelayedHeaders, _context.Time);
        var error = GeminiMapper.MapError(response.StatusCode, body, retryAfter, secret);
        LogUpstreamError(_options.Name, response.StatusCode, error.ErrorCode ?? "unknown");
        return error;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Google provider '{Provider}' answered {StatusCode} ({Status}).")]
    private partial void LogUpstreamError(string provider, int statusCode, string status);
}
