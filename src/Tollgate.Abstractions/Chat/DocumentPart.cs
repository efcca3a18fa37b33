namespace Tollgate.Chat;

/// <summary>
/// A document given to the model: a PDF or other file inline (base64), by URL, or as plain text. Anthropic
/// <c>document</c> blocks, OpenAI <c>file</c> parts, Bedrock <c>document</c> blocks and Gemini <c>inlineData</c> map here.
/// Exactly one of <see cref="Data"/>, <see cref="Url"/> and <see cref="Text"/> is set.
/// </summary>
public sealed record DocumentPart : ContentPart
{
    /// <summary>The media type, such as <c>application/pdf</c> or <c>text/plain</c>.</summary>
    public string? MediaType { get; init; }

    /// <summary>The file's bytes, base64-encoded.</summary>
    public string? Data { get; init; }

    /// <summary>An http(s) URL the provider fetches.</summary>
    public string? Url { get; init; }

    /// <summary>The document as plain text.</summary>
    public string? Text { get; init; }

    /// <summary>A title, when given (Anthropic <c>title</c>).</summary>
    public string? Title { get; init; }

    /// <summary>Context about the document that is not itself cited (Anthropic <c>context</c>).</summary>
    public string? Context { get; init; }

    /// <summary>The file name, when given (OpenAI <c>filename</c>, Bedrock <c>name</c>).</summary>
    public string? FileName { get; init; }

    /// <summary>Whether the answer should cite this document (Anthropic <c>citations.enabled</c>).</summary>
    public bool Citations { get; init; }
}
