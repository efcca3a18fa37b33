using System.Text.Json.Nodes;

namespace Tollgate.Testing;

/// <summary>
/// The deterministic reading of a chat request that the fakes of translated providers share: the answer echoes the
/// last message's text (plus <c>(images: N)</c> when it carries images), tokens are whitespace-separated words.
/// </summary>
public static class FakeConversation
{
    /// <summary>The text of a message's <c>content</c>: a string, or the <c>text</c> of its parts.</summary>
    public static string Text(JsonNode? content)
    {
        if (content is JsonValue value && value.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (content is JsonArray parts)
        {
            var texts = parts.Where(p => p?["type"]?.GetValue<string>() == "text").Select(p => p!["text"]?.GetValue<string>() ?? string.Empty).ToList();
            var images = parts.Count(p => p?["type"]?.GetValue<string>() == "image_url");
            var documents = parts.Count(p => p?["type"]?.GetValue<string>() == "document_url");
            var text = string.Join(" ", texts);
            if (images > 0)
            {
                text += $" (images: {images})";
            }

            if (documents > 0)
            {
                text += $" (documents: {documents})";
            }

            return text;
        }

        return string.Empty;
    }

    /// <summary>Whitespace-separated words.</summary>
    public static int Words(string text) => text.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>The words of every message's text.</summary>
    public static int InputWords(JsonArray messages) => messages.Sum(m => Words(Text(m?["content"])));

    /// <summary>
    /// Applies <c>stop</c> and a word limit: the text up to the first stop sequence, then at most <paramref name="maxWords"/>
    /// words. Returns which limit cut it.
    /// </summary>
    public static (string Text, bool Stopped, bool Truncated) Limit(string text, IEnumerable<string> stops, int? maxWords)
    {
        var stopped = false;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = text[..at].TrimEnd();
                stopped = true;
            }
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (maxWords is { } max && words.Length > max)
        {
            return (string.Join(' ', words.Take(max)), stopped, true);
        }

        return (text, stopped, false);
    }
}
