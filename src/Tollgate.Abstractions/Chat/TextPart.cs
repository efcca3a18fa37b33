using System.Text.Json;

namespace Tollgate.Chat;

/// <summary>Plain text content.</summary>
/// <param name="Text">The text.</param>
public sealed record TextPart(string Text) : ContentPart
{
    /// <summary>
    /// The citations backing this text in an answer, as a JSON array in Anthropic's shape (objects with <c>type</c>
    /// such as <c>char_location</c>, <c>page_location</c>, <c>content_block_location</c>, and <c>cited_text</c>).
    /// </summary>
    public JsonElement? Citations { get; init; }
}
