namespace Tollgate.Chat;

/// <summary>Plain text content.</summary>
/// <param name="Text">The text.</param>
public sealed record TextPart(string Text) : ContentPart;
