namespace Tollgate.Chat;

/// <summary>The shape the client wants the answer in.</summary>
public enum ResponseFormatKind
{
    /// <summary>Free text (the default).</summary>
    Text,

    /// <summary>Any valid JSON object (OpenAI <c>json_object</c>).</summary>
    JsonObject,

    /// <summary>JSON valid against a schema (OpenAI <c>json_schema</c>).</summary>
    JsonSchema,
}
