using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.Chat;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Core.Sse;
using Tollgate.Embeddings;

namespace Tollgate.Providers.OpenAI;

/// <summary>
/// Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama's /v1, llama.cpp server, Groq, Together, DeepSeek...). Requests
/// in OpenAI format take <see cref="SendAsync"/>, the byte pass-through; translated requests use the canonical methods.
/// </summary>
public sealed partial class OpenAIChatProvider : IChatProvider, IPassthroughChatProvider
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly string _name;
    private readonly OpenAIProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly Uri _chatUrl;
    private readonly Uri _embeddingsUrl;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ILogger _logger;

    /// <summary>Creates the provider.</summary>
    public OpenAIChatProvider(string name, OpenAIProviderOptions options, ProviderContext context)
    {
        _name = name;
        _options = options;
        _context = context;
        _chatUrl = new Uri(options.BaseUrl, "chat/completions");
        _embeddingsUrl = new Uri(options.BaseUrl, "embeddings");
        _authorization = string.IsNullOrEmpty(options.ApiKey) ? null : new AuthenticationHeaderValue("Bearer", options.ApiKey);
        _logger = context.LoggerFactory.CreateLogger<OpenAIChatProvider>();
    }

    /// <inheritdoc/>
    public ProviderCapabilities Capabilities => _options.Capabilities ?? OpenAICapabilities;

    private static ProviderCapabilities OpenAICapabilities { get; } = new()
    {
        NativeFormat = WireFormat.OpenAI,
        Vision = true,
        Tools = true,
        JsonOutput = true,
        Logprobs = true,
        Seed = true,
        MultipleChoices = true,
        Documents = true,
        Penalties = true,
        Reasoning = true,
        Embeddings = true,
    };

    /// <summary>Whether streamed requests ask the upstream for a usage chunk.</summary>
    public bool StreamUsage => _options.StreamUsage;

    /// <inheritdoc/>
    public Task<UpstreamResponse> SendAsync(PassthroughRequest request, CancellationToken cancellationToken)
    {
        var url = _options.ResolveUrl is { } resolve
            ? resolve(request.Operation, request.Body)
            : request.Operation == ApiOperation.Embeddings ? _embeddingsUrl : _chatUrl;
        var message = CreateMessage(url, new ReadOnlyMemoryContent(request.Body), request.Stream);
        return UpstreamHttp.SendAsync(_context.HttpClient, message, _options.Timeouts, _context.Time, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        request.Stream = false;
        var body = Serialize(request);
        await using var response = await SendAsync(new PassthroughRequest(ApiOperation.Chat, body, Stream: false), cancellationToken);
        var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw MapError(response.StatusCode, bytes, response.RelayedHeaders);
        }

        return OpenAIResponseMapper.Parse(bytes, _context.Time);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        request.Stream = true;
        var body = Serialize(request);
        await using var response = await SendAsync(new PassthroughRequest(ApiOperation.Chat, body, Stream: true), cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
            throw MapError(response.StatusCode, bytes, response.RelayedHeaders);
        }

        await using var reader = new SseReader(response.Body);
        var updates = new List<ChatStreamUpdate>(2);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.HasData)
            {
                continue;
            }

            var data = reader.Data.Span;
            if (data.SequenceEqual("[DONE]"u8))
            {
                yield break;
            }

            if (reader.EventName.SequenceEqual("error"u8) || IsErrorObject(data))
            {
                throw MapError(502, data, response.RelayedHeaders);
            }

            updates.Clear();
            OpenAIStreamMapper.Parse(data, updates);
            foreach (var update in updates)
            {
                yield return update;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            OpenAIEmbeddingMapper.WriteRequest(writer, request);
        }

        await using var response = await SendAsync(new PassthroughRequest(ApiOperation.Embeddings, buffer.WrittenMemory, Stream: false), cancellationToken);
        var bytes = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);
        if (response.StatusCode is < 200 or > 299)
        {
            throw MapError(response.StatusCode, bytes, response.RelayedHeaders);
        }

        return OpenAIEmbeddingMapper.ParseResponse(bytes);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{_options.TypeName} provider '{_name}' at {_options.BaseUrl}";

    private static bool IsErrorObject(ReadOnlySpan<byte> data) =>
        data.Length > 9 && data[0] == (byte)'{' && data[..Math.Min(data.Length, 16)].IndexOf("\"error\""u8) >= 0;

    private ProviderException MapError(int status, ReadOnlySpan<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        _options.MapError is { } map ? map(status, body, headers, _context.Time) : OpenAIErrorMapper.ToException(status, body, headers, _context.Time);

    private ReadOnlyMemory<byte> Serialize(ChatRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            OpenAIRequestMapper.Write(writer, request, Capabilities, _name);
        }

        // Reasoning from earlier turns is not sent (Chat Completions cannot take it); counted as CapabilityGuard counts what it strips.
        if (OpenAIRequestMapper.CountReasoningParts(request) is > 0 and var dropped)
        {
            LogReasoningDropped(_name, dropped);
        }

        return buffer.WrittenMemory;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "OpenAI provider '{Provider}': left out {Count} reasoning blocks of earlier turns, which Chat Completions cannot take")]
    private partial void LogReasoningDropped(string provider, int count);

    private HttpRequestMessage CreateMessage(Uri url, HttpContent content, bool stream)
    {
        content.Headers.ContentType = JsonContentType;
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (_authorization is not null)
        {
            message.Headers.Authorization = _authorization;
        }

        if (stream)
        {
            message.Headers.Accept.Add(EventStream);
        }

        if (_options.Organization is { } organization)
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
        }

        if (_options.Project is { } project)
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Project", project);
        }

        foreach (var (name, value) in _options.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }
}
