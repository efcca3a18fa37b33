using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Core.Sse;

namespace Tollgate.Providers.Tests.OpenAI;

/// <summary>Loads the golden files under Fixtures/openai, built from OpenAI's documented Chat Completions wire format.</summary>
internal static class OpenAIFixtures
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "openai", name);

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(Path(name));

    public static JsonNode ReadJson(string name) => JsonNode.Parse(ReadBytes(name))!;

    /// <summary>Semantic comparison: object member order does not matter, everything else does.</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");

    public static JsonNode Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!;
    }

    /// <summary>The data payloads of an SSE fixture, up to (not including) <c>[DONE]</c>.</summary>
    public static async Task<List<byte[]>> ReadSseDataAsync(string name)
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        await using var stream = File.OpenRead(Path(name));
        await using var reader = new SseReader(stream);
        var events = new List<byte[]>();
        while (await reader.ReadAsync(cts.Token))
        {
            if (reader.Data.Span.SequenceEqual("[DONE]"u8))
            {
                break;
            }

            events.Add(reader.Data.ToArray());
        }

        return events;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
