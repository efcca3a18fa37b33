using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Tollgate.Chat;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Serves canonical chat requests from Amazon Bedrock's Converse API (<c>POST /model/{modelId}/converse</c> and
/// <c>/converse-stream</c>, an <c>application/vnd.amazon.eventstream</c> answer) and embeddings from InvokeModel
/// (<c>/model/{modelId}/invoke</c>), every request signed with AWS Signature Version 4. Thread-safe.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The invoker wraps the host's pooled handler without owning it; the capture handler holds no resources.")]
public sealed partial class BedrockChatProvider : IChatProvider
{
    private static readonly ProviderCapabilities BedrockCapabilities = new()
    {
        NativeFormat = WireFormat.None,
        Vision = true,
        Documents = true,
        Tools = true,
        JsonOutput = true,
        Logprobs = false,
        Seed = false,
        MultipleChoices = false,
        TopK = true,
        Penalties = false,
        Reasoning = true,
        PromptCaching = true,
        Citations = false,
        AnthropicBetas = false,
        SignatureFamily = SignatureFamilies.Anthropic,
        Embeddings = true,
    };

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    // Cohere Embed on Bedrock takes at most 96 texts per call.
    private const int CohereBatchSize = 96;

    private readonly BedrockProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger _logger;

    internal BedrockChatProvider(BedrockProviderOptions options, ProviderContext context)
    {
        _options = options;
        _context = context;
        // The capture handler holds nothing to release; the pooled handler underneath belongs to the host.
        _invoker = new HttpMessageInvoker(new BedrockHeaderCapture(context.HttpClient), disposeHandler: false);
        _logger = context.LoggerFactory.CreateLogger<BedrockChatProvider>();
    }

    /// <inheritdoc/>
    public ProviderCapabilities Capabilities => BedrockCapabilities;

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = BedrockMapper.ToWire(request, _options.Name);
        var payload = JsonSerializer.SerializeToUtf8Bytes(wire, BedrockJsonContext.Default.BedrockConverseRequest);
        var headers = new BedrockResponseHeaders();

        await using var response = await SendAsync(request.Model, "converse", payload, stream: false, headers, cancellationToken);
        var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw UpstreamError(response, headers, body);
        }

        var converse = Deserialize(body, BedrockJsonContext.Default.BedrockConverseResponse, "Converse answer");
        if (converse.Output?.Message?.Content is null)
        {
            throw InvalidResponse("The Bedrock upstream's Converse answer has no output message.", null);
        }

        return BedrockMapper.FromWire(converse, BedrockMapper.IsJsonMode(request), ResponseId(headers), request.Model, _context.Time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = BedrockMapper.ToWire(request, _options.Name);
        var payload = JsonSerializer.SerializeToUtf8Bytes(wire, BedrockJsonContext.Default.BedrockConverseRequest);
        var headers = new BedrockResponseHeaders();

        await using var response = await SendAsync(request.Model, "converse-stream", payload, stream: true, headers, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            throw UpstreamError(response, headers, body);
        }

        var translator = new BedrockStreamTranslator(BedrockMapper.IsJsonMode(request), ResponseId(headers), request.Model);
        var reader = new AwsEventStreamReader(response.Body);
        var updates = new List<ChatStreamUpdate>(4);
        while (!translator.IsComplete && await reader.ReadAsync(cancellationToken) is { } message)
        {
            updates.Clear();
            translator.Translate(message, updates);
            foreach (var update in updates)
            {
                yield return update;
            }
        }

        if (!translator.SawMessageStop)
        {
            throw InvalidResponse("The Bedrock upstream's stream ended before messageStop.", null);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The body format follows the model id: Amazon Titan Text Embeddings (<c>amazon.titan-embed-text-*</c>, one call per
    /// input; <c>dimensions</c> on v2 only) or Cohere Embed (<c>cohere.embed-*</c>, up to 96 inputs per call, as
    /// <c>search_document</c>; no <c>dimensions</c>). Vectors come back as floats; the endpoint encodes base64 when asked.
    /// </remarks>
    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model;
        if (model.Contains("amazon.titan-embed", StringComparison.Ordinal))
        {
            var v1 = model.Contains("titan-embed-text-v1", StringComparison.Ordinal) || model.Contains("titan-embed-g1-text", StringComparison.Ordinal);
            if (v1 && request.Dimensions is not null)
            {
                throw ProviderException.Unsupported(_options.Name, $"dimensions on model '{model}' (Titan Text Embeddings v1 has a fixed size)");
            }

            var vectors = new List<float[]>(request.Inputs.Count);
            long tokens = 0;
            foreach (var input in request.Inputs)
            {
                var body = new BedrockTitanEmbeddingRequest { InputText = input, Dimensions = v1 ? null : request.Dimensions, Normalize = v1 ? null : true };
                var answer = await InvokeAsync(model, JsonSerializer.SerializeToUtf8Bytes(body, BedrockJsonContext.Default.BedrockTitanEmbeddingRequest), BedrockJsonContext.Default.BedrockTitanEmbeddingResponse, cancellationToken);
                vectors.Add(answer.Value.Embedding ?? throw InvalidResponse("The Bedrock upstream's Titan answer has no embedding.", null));
                tokens += answer.Value.InputTextTokenCount ?? answer.Headers.InputTokenCount ?? 0;
            }

            return new EmbeddingResponse(model, vectors, tokens);
        }

        if (model.Contains("cohere.embed", StringComparison.Ordinal))
        {
            if (request.Dimensions is not null)
            {
                throw ProviderException.Unsupported(_options.Name, $"dimensions on model '{model}' (Cohere Embed on Bedrock has a fixed size)");
            }

            var vectors = new List<float[]>(request.Inputs.Count);
            long tokens = 0;
            foreach (var batch in request.Inputs.Chunk(CohereBatchSize))
            {
                var body = new BedrockCohereEmbeddingRequest { Texts = [.. batch], InputType = "search_document" };
                var answer = await InvokeAsync(model, JsonSerializer.SerializeToUtf8Bytes(body, BedrockJsonContext.Default.BedrockCohereEmbeddingRequest), BedrockJsonContext.Default.BedrockCohereEmbeddingResponse, cancellationToken);
                if (answer.Value.Embeddings is not { } embeddings || embeddings.Count != batch.Length)
                {
                    throw InvalidResponse("The Bedrock upstream's Cohere answer does not hold one embedding per text.", null);
                }

                vectors.AddRange(embeddings);
                tokens += answer.Headers.InputTokenCount ?? 0;
            }

            return new EmbeddingResponse(model, vectors, tokens);
        }

        throw ProviderException.Unsupported(_options.Name, $"Embeddings with model '{model}' (Tollgate speaks the Titan Text Embeddings and Cohere Embed body formats)");
    }

    private static ProviderException InvalidResponse(string message, Exception? inner) =>
        new(ProviderErrorKind.InvalidResponse, 502, message, inner)
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    private static T Deserialize<T>(byte[] body, JsonTypeInfo<T> typeInfo, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw InvalidResponse($"The Bedrock upstream's {what} is empty.", null);
        }
        catch (JsonException ex)
        {
            throw InvalidResponse($"The Bedrock upstream's {what} is not valid JSON of the documented shape.", ex);
        }
    }

    private async Task<(T Value, BedrockResponseHeaders Headers)> InvokeAsync<T>(string model, byte[] payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var headers = new BedrockResponseHeaders();
        await using var response = await SendAsync(model, "invoke", payload, stream: false, headers, cancellationToken);
        var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw UpstreamError(response, headers, body);
        }

        return (Deserialize(body, typeInfo, "InvokeModel answer"), headers);
    }

    private async Task<UpstreamResponse> SendAsync(string model, string operation, byte[] payload, bool stream, BedrockResponseHeaders capture, CancellationToken cancellationToken)
    {
        // Step 1: the request, with exactly the headers that are signed.
        var uri = _options.OperationUri(model, operation);
        var host = uri.IsDefaultPort ? uri.IdnHost : string.Create(CultureInfo.InvariantCulture, $"{uri.IdnHost}:{uri.Port}");
        var now = _context.Time.GetUtcNow();
        var amzDate = AwsSigV4Signer.FormatAmzDate(now);
        var signed = new List<KeyValuePair<string, string>>(4)
        {
            new("content-type", "application/json"),
            new("host", host),
            new("x-amz-date", amzDate),
        };
        if (_options.Credentials.SessionToken is { Length: > 0 } token)
        {
            signed.Add(new("x-amz-security-token", token));
        }

        // Step 2: the signature over the path as sent (the model id already percent-encoded once).
        var signature = AwsSigV4Signer.Sign(
            "POST", uri.AbsolutePath, string.Empty, signed, payload, _options.Credentials, _options.Region, BedrockProviderOptions.SigningService, now);

        using var message = new HttpRequestMessage(HttpMethod.Post, uri);
        message.Content = new ByteArrayContent(payload);
        message.Content.Headers.ContentType = JsonContentType;
        message.Headers.Host = host;
        message.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (_options.Credentials.SessionToken is { Length: > 0 } sessionToken)
        {
            message.Headers.TryAddWithoutValidation("x-amz-security-token", sessionToken);
        }

        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "application/vnd.amazon.eventstream" : "application/json"));
        message.Options.Set(BedrockResponseHeaders.Key, capture);
        return await UpstreamHttp.SendAsync(_invoker, message, _options.Timeouts, _context.Time, cancellationToken);
    }

    private string ResponseId(BedrockResponseHeaders headers) =>
        "bedrock-" + (headers.RequestId is { Length: > 0 } requestId
            ? requestId
            : _context.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture));

    private ProviderException UpstreamError(UpstreamResponse response, BedrockResponseHeaders headers, byte[] body)
    {
        var retryAfter = UpstreamHttp.ParseRetryAfter(response.RelayedHeaders, _context.Time);
        var error = BedrockMapper.MapError(response.StatusCode, headers.ErrorType, body, retryAfter);
        LogUpstreamError(_options.Name, response.StatusCode, error.ErrorCode ?? "unknown");
        return error;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Bedrock provider '{Provider}' answered {StatusCode} ({ErrorType}).")]
    private partial void LogUpstreamError(string provider, int statusCode, string errorType);
}
