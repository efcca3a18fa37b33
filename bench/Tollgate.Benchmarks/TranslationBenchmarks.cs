using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tollgate.Chat;
using Tollgate.Core.Sse;
using Tollgate.Providers.Anthropic;
using Tollgate.Providers.OpenAI;
using Tollgate.Server.Endpoints;

namespace Tollgate.Benchmarks;

/// <summary>The cross-format path: OpenAI client, Anthropic upstream, through the canonical model.</summary>
[MemoryDiagnoser]
public class TranslationBenchmarks
{
    private static readonly DateTimeOffset Created = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly byte[] _request = Payloads.ChatRequest;
    private readonly byte[] _response = Payloads.AnthropicResponse;
    private readonly byte[] _stream = Payloads.AnthropicStream;
    private readonly AnthropicProviderOptions _options = new()
    {
        Name = "anthropic",
        MessagesUri = new Uri("http://127.0.0.1:18083/v1/messages"),
    };

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);

    /// <summary>The OpenAI request into the canonical <see cref="ChatRequest"/>.</summary>
    [Benchmark]
    public ChatRequest ParseOpenAIRequest() => OpenAIRequestMapper.Parse(_request);

    /// <summary>Parse, then build and serialize the Anthropic Messages request, as the Anthropic provider sends it.</summary>
    [Benchmark]
    public byte[] ParseAndBuildAnthropicRequest()
    {
        var request = OpenAIRequestMapper.Parse(_request);
        request.Model = "claude-sonnet-4-5";
        var wire = AnthropicMapper.ToWire(request, _options, stream: request.Stream);
        return JsonSerializer.SerializeToUtf8Bytes(wire, AnthropicJsonContext.Default.AnthropicMessagesRequest);
    }

    /// <summary>An Anthropic answer deserialized, mapped to canonical, and written as an OpenAI chat.completion.</summary>
    [Benchmark]
    public int AnthropicResponseToOpenAI()
    {
        var wire = JsonSerializer.Deserialize(_response, AnthropicJsonContext.Default.AnthropicMessagesResponse)!;
        var response = AnthropicMapper.FromWire(wire, jsonMode: false, Created);
        _output.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_output, JsonOutput.WriterOptions))
        {
            OpenAIResponseMapper.Write(writer, response);
        }

        return _output.WrittenCount;
    }

    /// <summary>The Anthropic stream read event by event, translated, and each update written as an OpenAI chunk (as the server does).</summary>
    [Benchmark]
    public async Task<int> AnthropicStreamToOpenAIChunks()
    {
        using var body = new MemoryStream(_stream, writable: false);
        await using var reader = new SseReader(body);
        var translator = new AnthropicStreamTranslator(jsonMode: false);
        var updates = new List<ChatStreamUpdate>(4);
        var written = 0;
        var id = "chatcmpl-bench";
        var model = "claude-sonnet-4-5";
        while (!translator.IsComplete && await reader.ReadAsync(CancellationToken.None))
        {
            if (!reader.HasData)
            {
                continue;
            }

            updates.Clear();
            translator.Translate(reader.Data.Span, updates);
            foreach (var update in updates)
            {
                id = update.Id is { } updateId ? (updateId.StartsWith("chatcmpl", StringComparison.Ordinal) ? updateId : "chatcmpl-" + updateId) : id;
                model = update.Model ?? model;
                _output.ResetWrittenCount();
                _output.Write("data: "u8);
                using (var writer = new Utf8JsonWriter(_output, JsonOutput.WriterOptions))
                {
                    OpenAIStreamMapper.Write(writer, update, id, model, 1748779200, includeUsageField: true);
                }

                _output.Write("\n\n"u8);
                written += _output.WrittenCount;
            }
        }

        return written;
    }
}
