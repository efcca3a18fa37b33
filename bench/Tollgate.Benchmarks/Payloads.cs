using System.Globalization;
using System.Text;

namespace Tollgate.Benchmarks;

/// <summary>Realistic wire payloads, built once per process.</summary>
internal static class Payloads
{
    /// <summary>How many content chunks the streamed answers carry.</summary>
    public const int StreamChunks = 200;

    // Declared first: the stream builders below read it during type initialization.
    private static readonly string[] Words =
        ["The", " earliest", " flight", " leaves", " Lisbon", " at", " 06", ":05", " and", " lands", " in", " Berlin", " at", " 10", ":20", "."];

    /// <summary>A chat request: a system prompt, six messages (one assistant tool call and its result), two tools.</summary>
    public static readonly byte[] ChatRequest = Encoding.UTF8.GetBytes("""
        {"model":"bench-json","messages":[
        {"role":"system","content":"You are a careful travel assistant. Answer briefly, cite the tool results you used, and never invent flight numbers or prices. When the user asks about weather, call get_weather; when they ask about flights, call search_flights."},
        {"role":"user","content":"I'm flying from Lisbon to Berlin next Tuesday. What will the weather be like when I land, and are there morning flights?"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"call_7d1f2a","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Berlin, DE\",\"date\":\"2025-06-10\",\"unit\":\"celsius\"}"}}]},
        {"role":"tool","tool_call_id":"call_7d1f2a","content":"{\"location\":\"Berlin, DE\",\"forecast\":\"partly cloudy\",\"high\":22,\"low\":13,\"precipitation_chance\":0.2}"},
        {"role":"assistant","content":"Berlin on Tuesday looks partly cloudy, between 13 and 22 °C with a 20% chance of rain. Shall I look for morning flights?"},
        {"role":"user","content":"Yes please, departing before 10am, economy, one adult."}],
        "tools":[
        {"type":"function","function":{"name":"get_weather","description":"Get the weather forecast for a city on a date.","parameters":{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Paris, FR"},"date":{"type":"string","format":"date"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}},
        {"type":"function","function":{"name":"search_flights","description":"Search scheduled flights between two airports.","parameters":{"type":"object","properties":{"from":{"type":"string","description":"IATA code"},"to":{"type":"string","description":"IATA code"},"date":{"type":"string","format":"date"},"depart_before":{"type":"string","description":"HH:MM local time"},"cabin":{"type":"string","enum":["economy","premium","business"]},"adults":{"type":"integer","minimum":1}},"required":["from","to","date"]}}}],
        "tool_choice":"auto","temperature":0.2,"max_tokens":512,"stream":true,"user":"user-1234"}
        """);

    /// <summary>An OpenAI stream: a role chunk, <see cref="StreamChunks"/> content chunks, a finish chunk, the usage chunk and <c>[DONE]</c>.</summary>
    public static readonly byte[] OpenAIStream = BuildOpenAIStream();

    /// <summary>The same answer as an Anthropic Messages stream of the same size.</summary>
    public static readonly byte[] AnthropicStream = BuildAnthropicStream();

    /// <summary>A non-streamed Anthropic answer with text and a tool call.</summary>
    public static readonly byte[] AnthropicResponse = Encoding.UTF8.GetBytes("""
        {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
        "content":[{"type":"text","text":"I found three morning flights from Lisbon to Berlin on Tuesday. The earliest leaves at 06:05 and lands at 10:20; I'll check the exact fares for you now."},
        {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"search_flights","input":{"from":"LIS","to":"BER","date":"2025-06-10","depart_before":"10:00","cabin":"economy","adults":1}}],
        "stop_reason":"tool_use","stop_sequence":null,
        "usage":{"input_tokens":612,"cache_creation_input_tokens":0,"cache_read_input_tokens":256,"output_tokens":87}}
        """);

    private static byte[] BuildOpenAIStream()
    {
        var sb = new StringBuilder();
        const string head = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\",\"choices\":";
        sb.Append("data: ").Append(head).Append("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        for (var i = 0; i < StreamChunks; i++)
        {
            sb.Append("data: ").Append(head).Append("[{\"index\":0,\"delta\":{\"content\":\"").Append(Words[i % Words.Length])
              .Append("\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        }

        sb.Append("data: ").Append(head).Append("[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        sb.Append("data: ").Append(head).Append("[],\"usage\":{\"prompt_tokens\":612,\"completion_tokens\":200,\"total_tokens\":812,\"prompt_tokens_details\":{\"cached_tokens\":256,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n");
        sb.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] BuildAnthropicStream()
    {
        var sb = new StringBuilder();
        sb.Append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":612,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":256,\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}\n\n");
        sb.Append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        sb.Append("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        for (var i = 0; i < StreamChunks; i++)
        {
            sb.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"")
              .Append(Words[i % Words.Length]).Append("\"}}\n\n");
        }

        sb.Append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{StreamChunks}}}}}\n\n");
        sb.Append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
