namespace Tollgate.Chat;

/// <summary>The client's tool choice.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="FunctionName">The function to call when <paramref name="Mode"/> is <see cref="ToolChoiceMode.Function"/>.</param>
public sealed record ToolChoice(ToolChoiceMode Mode, string? FunctionName = null);
