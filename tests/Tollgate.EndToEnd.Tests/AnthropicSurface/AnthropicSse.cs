namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>Reads a raw Anthropic SSE stream into (event name, data) pairs.</summary>
internal static class AnthropicSse
{
    public static async Task<List<(string Name, string Data)>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var events = new List<(string, string)>();
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Count > 0)
                {
                    events.Add((name ?? "message", string.Join('\n', data)));
                }

                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..].TrimStart(' '));
            }
        }

        if (name is not null || data.Count > 0)
        {
            events.Add((name ?? "message", string.Join('\n', data)));
        }

        return events;
    }
}
