using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tollgate.Chat;
using Tollgate.Providers.Anthropic;
using Tollgate.Providers.Bedrock;
using Tollgate.Providers.Gemini;
using Tollgate.Providers.OpenAI;
using Tollgate.Server.Endpoints;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Benchmarks;

/// <summary>
/// The translation paths added with the Anthropic surface and the new providers: an Anthropic client's request into the
/// canonical model and answers back in Anthropic's shape, and the canonical request out to Bedrock Converse and Gemini.
/// </summary>
[MemoryDiagnoser]
public class SurfaceAndProviderBenchmarks
{
    private const int StreamUpdates = 200;
    private static readonly DateTimeOffset Created = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly byte[] _anthropicRequest = AnthropicRequestBody();
    private readonly ChatRequest _canonical = OpenAIRequestMapper.Parse(Payloads.ChatRequest);
    private readonly ChatResponse _response = AnthropicMapper.FromWire(
        JsonSerializer.Deserialize(Payloads.AnthropicResponse, AnthropicJsonContext.Default.AnthropicMessagesResponse)!, jsonMode: false, Created);

    private readonly ChatStreamUpdate[] _updates = StreamOf(StreamUpdates);
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);

    /// <summary>The pass-through scan of an Anthropic request: model and stream flag found, nothing parsed.</summary>
    [Benchmark]
    public int ScanAnthropicRequest() => AnthropicRequestScanner.Scan(_anthropicRequest, requireMaxTokens: true).ModelStart;

    /// <summary>An Anthropic Messages request (system array with cache_control, tools, a tool_use / tool_result turn) into the canonical model.</summary>
    [Benchmark]
    public ChatRequest ParseAnthropicRequest() => AnthropicRequestParser.Parse(_anthropicRequest);

    /// <summary>A canonical answer (text and a tool call) written as an Anthropic message.</summary>
    [Benchmark]
    public int WriteAnthropicResponse()
    {
        _output.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_output, JsonOutput.WriterOptions))
        {
            AnthropicResponseWriter.Write(writer, _response, "claude");
        }

        return _output.WrittenCount;
    }

    /// <summary>200 canonical text updates written as Anthropic events (message_start ... message_stop).</summary>
    [Benchmark]
    public int WriteAnthropicStream()
    {
        _output.ResetWrittenCount();
        var stream = new AnthropicStreamWriter("msg_bench", "claude");
        stream.WriteStart(_output);
        foreach (var update in _updates)
        {
            stream.Write(_output, update);
        }

        stream.WriteEnd(_output);
        return _output.WrittenCount;
    }

    /// <summary>The canonical request mapped to Bedrock Converse and serialized.</summary>
    [Benchmark]
    public byte[] BuildBedrockConverseRequest()
    {
        _canonical.Model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
        var wire = BedrockMapper.ToWire(_canonical, "aws");
        return JsonSerializer.SerializeToUtf8Bytes(wire, BedrockJsonContext.Default.BedrockConverseRequest);
    }

    /// <summary>The canonical request mapped to Gemini generateContent and serialized.</summary>
    [Benchmark]
    public byte[] BuildGeminiRequest()
    {
        _canonical.Model = "gemini-2.5-flash";
        var wire = GeminiMapper.ToWire(_canonical, "google", vertex: false);
        return JsonSerializer.SerializeToUtf8Bytes(wire, GeminiJsonContext.Default.GeminiGenerateContentRequest);
    }

    private static ChatStreamUpdate[] StreamOf(int count)
    {
        var updates = new List<ChatStreamUpdate> { new() { Id = "bench", Model = "claude", Role = ChatRole.Assistant } };
        for (var i = 0; i < count; i++)
        {
            updates.Add(new ChatStreamUpdate { TextDelta = i == 0 ? "Token" : " token" });
        }

        updates.Add(new ChatStreamUpdate { FinishReason = FinishReason.Stop });
        updates.Add(new ChatStreamUpdate { Usage = new ChatUsage { InputTokens = 612, CachedInputTokens = 256, OutputTokens = count } });
        return [.. updates];
    }

    private static byte[] AnthropicRequestBody() => Encoding.UTF8.GetBytes("""
        {"model":"claude","max_tokens":1024,"stream":true,
        "system":[{"type":"text","text":"You are a careful travel assistant. Answer briefly, cite the tool results you used, and never invent flight numbers or prices.","cache_control":{"type":"ephemeral"}}],
        "messages":[
        {"role":"user","content":"I'm flying from Lisbon to Berlin next Tuesday. What will the weather be like when I land, and are there morning flights?"},
        {"role":"assistant","content":[{"type":"text","text":"Let me check the forecast."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"Berlin, DE","date":"2025-06-10","unit":"celsius"}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"{\"forecast\":\"partly cloudy\",\"high\":22,\"low\":13}"},{"type":"text","text":"Yes please, departing before 10am, economy, one adult.","cache_control":{"type":"ephemeral"}}]}],
        "tools":[
        {"name":"get_weather","description":"Get the weather forecast for a city on a date.","input_schema":{"type":"object","properties":{"location":{"type":"string"},"date":{"type":"string","format":"date"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}},
        {"name":"search_flights","description":"Search scheduled flights between two airports.","input_schema":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"},"date":{"type":"string","format":"date"},"depart_before":{"type":"string"},"cabin":{"type":"string","enum":["economy","premium","business"]},"adults":{"type":"integer","minimum":1}},"required":["from","to","date"]}}],
        "tool_choice":{"type":"auto"},"temperature":0.2}
        """);
}
