using System.Text.Json;

namespace Tollgate.Chat;

/// <summary>A function the model may call.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Description">What the function does, for the model.</param>
/// <param name="Parameters">The JSON Schema of the arguments; <see langword="null"/> when the function takes none.</param>
/// <param name="Strict">OpenAI's structured-outputs <c>strict</c> flag, when given.</param>
public sealed record ToolDefinition(string Name, string? Description, JsonElement? Parameters, bool? Strict = null)
{
    /// <summary>A prompt-cache breakpoint after this tool's definition (Anthropic <c>cache_control</c>).</summary>
    public CacheControl? CacheControl { get; init; }
}
