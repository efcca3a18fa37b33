namespace Tollgate.Chat;

/// <summary>The author of a <see cref="ChatMessage"/>.</summary>
public enum ChatRole
{
    /// <summary>Instructions from the application (OpenAI <c>system</c>, Anthropic top-level <c>system</c>).</summary>
    System,

    /// <summary>Instructions from the developer (OpenAI <c>developer</c>); treated like <see cref="System"/> by providers without the distinction.</summary>
    Developer,

    /// <summary>The end user.</summary>
    User,

    /// <summary>The model.</summary>
    Assistant,

    /// <summary>The result of a tool call, paired with it by <see cref="ChatMessage.ToolCallId"/>.</summary>
    Tool,
}
