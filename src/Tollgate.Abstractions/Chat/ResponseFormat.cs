using System.Text.Json;

namespace Tollgate.Chat;

/// <summary>The requested response format.</summary>
/// <param name="Kind">Text, any JSON object, or schema-constrained JSON.</param>
/// <param name="SchemaName">The schema's name, for <see cref="ResponseFormatKind.JsonSchema"/>.</param>
/// <param name="Schema">The JSON Schema, for <see cref="ResponseFormatKind.JsonSchema"/>.</param>
/// <param name="Strict">OpenAI's <c>strict</c> flag, when given.</param>
public sealed record ResponseFormat(ResponseFormatKind Kind, string? SchemaName = null, JsonElement? Schema = null, bool? Strict = null);
