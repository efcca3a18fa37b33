using System.Text.Json;

namespace Tollgate.EndToEnd.Tests.Infrastructure;

/// <summary>Reads Server-Sent Events off a raw response, for tests that check what the wire carries.</summary>
internal static class SseReading
{
    /// <summary>The next event's <c>data</c> (lines joined by newlines), or <see langword="null"/> at the end of the stream.</summary>
    public static async Task<string?> ReadDataAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var data = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return string.Join('\n', data);
                }

                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..].TrimStart(' '));
            }
        }

        return data.Count > 0 ? string.Join('\n', data) : null;
    }

    /// <summary>Every event's data until the stream ends, <c>[DONE]</c> included.</summary>
    public static async Task<List<string>> ReadAllDataAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var events = new List<string>();
        while (await ReadDataAsync(reader, cancellationToken) is { } data)
        {
            events.Add(data);
        }

        return events;
    }

    /// <summary>The text of the content deltas in <paramref name="events"/>, in order.</summary>
    public static string AssembleContent(IEnumerable<string> events)
    {
        var text = new System.Text.StringBuilder();
        foreach (var data in events.Where(e => e != "[DONE]"))
        {
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.TryGetProperty("choices", out var choices))
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    {
                        text.Append(content.GetString());
                    }
                }
            }
        }

        return text.ToString();
    }
}
