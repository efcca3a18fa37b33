using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Providers;
using Tollgate.Core.Sse;

namespace Tollgate.Providers.Tests.Testing;

/// <summary>Golden files under Fixtures/&lt;provider&gt;/, and the small helpers provider tests share.</summary>
internal static class ProviderFixtures
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static byte[] ReadBytes(string provider, string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", provider, name));

    public static JsonNode ReadJson(string provider, string name) => JsonNode.Parse(ReadBytes(provider, name))!;

    /// <summary>Semantic comparison: object member order does not matter, everything else does.</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");

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
    public static async Task<List<byte[]>> ReadSseDataAsync(string provider, string name)
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var reader = new SseReader(new MemoryStream(ReadBytes(provider, name)));
        var events = new List<byte[]>();
        while (await reader.ReadAsync(cts.Token))
        {
            if (!reader.HasData)
            {
                continue;
            }

            if (reader.Data.Span.SequenceEqual("[DONE]"u8))
            {
                break;
            }

            events.Add(reader.Data.ToArray());
        }

        return events;
    }

    /// <summary>A context over <paramref name="client"/> with the given environment (none by default).</summary>
    public static ProviderContext Context(HttpMessageInvoker client, IReadOnlyDictionary<string, string>? environment = null) =>
        new(client, TimeProvider.System, new Random(1), NullLoggerFactory.Instance)
        {
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
        };

    /// <summary>Collects a whole stream, bounded.</summary>
    public static async Task<List<Chat.ChatStreamUpdate>> CollectAsync(IAsyncEnumerable<Chat.ChatStreamUpdate> stream)
    {
        var updates = new List<Chat.ChatStreamUpdate>();
        async Task RunAsync()
        {
            await foreach (var update in stream)
            {
                updates.Add(update);
            }
        }

        await RunAsync().WaitAsync(Bound);
        return updates;
    }

    public static string Text(IEnumerable<Chat.ChatStreamUpdate> updates) => string.Concat(updates.Select(u => u.TextDelta));

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
