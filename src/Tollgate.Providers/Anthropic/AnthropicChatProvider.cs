using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.Chat;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Core.Sse;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Serves canonical (OpenAI-shaped) chat requests from the Anthropic Messages API (<c>POST /v1/messages</c>),
/// translating requests, answers, streams and errors both ways. Thread-safe.
/// </summary>
public sealed partial class AnthropicChatProvider : IChatProvider
{
    // What the Messages API expresses (https://docs.claude.com/en/api/messages): no seed, logprobs, n or penalties.
    private static readonly ProviderCapabilities AnthropicCapabilities = new()
    {
        NativeFormat = WireFormat.Anthropic,
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
        Citations = true,
        AnthropicBetas = true,
        SignatureFamily = SignatureFamilies.Anthropic,
        Embeddings = false,
    };

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly AnthropicProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly ILogger _logger;

    internal AnthropicChatProvider(AnthropicProviderOptions options, ProviderContext context)
    {
        _options = options;
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<AnthropicChatProvider>();
    }

    /// <inheritdoc/>
    public ProviderCapabilities Capabilities => AnthropicCapabilities;

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var jsonMode = AnthropicMapper.IsJsonMode(request);
        var wire = AnthropicMapper.ToWire(request, _options, stream: false);

        await using var response = await SendAsync(wire, request.Betas, cancellationToken);
        var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw UpstreamError(response, body);
        }

        AnthropicMessagesResponse? message;
        try
        {
            message = JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.AnthropicMessagesResponse);
        }
        catch (JsonException ex)
        {
            throw InvalidResponse("The Anthropic upstream's answer is not valid JSON.", ex);
        }

        if (message is null || message.Content is null)
        {
            throw InvalidResponse("The Anthropic upstream's answer has no content.", null);
        }

        return AnthropicMapper.FromWire(message, jsonMode, _context.Time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var translator = new AnthropicStreamTranslator(AnthropicMapper.IsJsonMode(request));
        var wire = AnthropicMapper.ToWire(request, _options, stream: true);

        await using var response = await SendAsync(wire, request.Betas, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            throw UpstreamError(response, body);
        }

        await using var reader = new SseReader(response.Body);
        var updates = new List<ChatStreamUpdate>(4);
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
                yield return update;
            }
        }

        if (!translator.IsComplete)
        {
            throw InvalidResponse("The Anthropic upstream's stream ended before message_stop.", null);
        }
    }

    /// <inheritdoc/>
    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) =>
        Task.FromException<EmbeddingResponse>(ProviderException.Unsupported(_options.Name, "Embeddings"));

    private static ProviderException InvalidResponse(string message, Exception? inner) =>
        new(ProviderErrorKind.InvalidResponse, 502, message, inner)
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    private async Task<UpstreamResponse> SendAsync(AnthropicMessagesRequest wire, IList<string>? betas, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(wire, AnthropicJsonContext.Default.AnthropicMessagesRequest);
        using var message = new HttpRequestMessage(HttpMethod.Post, _options.MessagesUri);
        message.Content = new ByteArrayContent(payload);
        message.Content.Headers.ContentType = JsonContentType;
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            message.Headers.TryAddWithoutValidation("x-api-key", _options.ApiKey);
        }

        message.Headers.TryAddWithoutValidation("anthropic-version", _options.Version);
        if (betas is { Count: > 0 })
        {
            // One header, comma-joined, as https://docs.claude.com/en/api/beta-headers shows for several betas.
            message.Headers.TryAddWithoutValidation("anthropic-beta", string.Join(',', betas));
        }

        if (wire.Stream == true)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return await UpstreamHttp.SendAsync(_context.HttpClient, message, _options.Timeouts, _context.Time, cancellationToken);
    }

    private ProviderException UpstreamError(UpstreamResponse response, byte[] body)
    {
        var retryAfter = UpstreamHttp.ParseRetryAfter(response.RelayedHeaders, _context.Time);
        var error = AnthropicMapper.MapError(response.StatusCode, body, retryAfter);
        LogUpstreamError(_options.Name, response.StatusCode, error.ErrorCode ?? "unknown");
        return error;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Anthropic provider '{Provider}' answered {StatusCode} ({ErrorType}).")]
    private partial void LogUpstreamError(string provider, int statusCode, string errorType);
}
