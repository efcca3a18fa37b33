using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tollgate.Providers;

/// <summary>The JSON POST that translated providers with a bearer key send (Mistral, Cohere): body, headers, accept.</summary>
internal static class JsonUpstreamRequest
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    /// <summary>A JSON body written by <paramref name="write"/>.</summary>
    public static ReadOnlyMemory<byte> Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>A POST of <paramref name="body"/> accepting an event stream or JSON, with the key and the configured extra headers.</summary>
    public static HttpRequestMessage Create(Uri url, ReadOnlyMemory<byte> body, bool stream, AuthenticationHeaderValue authorization, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonContentType;
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        message.Headers.Authorization = authorization;
        message.Headers.Accept.Add(stream ? AcceptEventStream : AcceptJson);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }
}
