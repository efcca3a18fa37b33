using System.Text.Json;
using System.Text.Json.Serialization;

// The Messages API's JSON records, as documented at https://docs.claude.com/en/api/messages and
// https://docs.claude.com/en/docs/build-with-claude/streaming. The house style lets a provider keep its wire records
// in one file. Content blocks are one record with every block type's fields; unset fields are not written.

namespace Tollgate.Providers.Anthropic;

/// <summary>The body of <c>POST /v1/messages</c>.</summary>
internal sealed class AnthropicMessagesRequest
{
    [JsonPropertyName("model")]
    public required string Model { get; set; }

    [JsonPropertyName("max_tokens")]
    public int MaxTokens { get; set; }

    /// <summary>A string, or an array of text blocks.</summary>
    [JsonPropertyName("system")]
    public JsonElement? System { get; set; }

    [JsonPropertyName("messages")]
    public List<AnthropicMessage> Messages { get; set; } = [];

    [JsonPropertyName("stop_sequences")]
    public List<string>? StopSequences { get; set; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    [JsonPropertyName("top_p")]
    public double? TopP { get; set; }

    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    [JsonPropertyName("thinking")]
    public AnthropicThinkingConfig? Thinking { get; set; }

    [JsonPropertyName("metadata")]
    public AnthropicMetadata? Metadata { get; set; }

    [JsonPropertyName("tools")]
    public List<AnthropicTool>? Tools { get; set; }

    [JsonPropertyName("tool_choice")]
    public AnthropicToolChoice? ToolChoice { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }
}

internal sealed class AnthropicMessage
{
    [JsonPropertyName("role")]
    public required string Role { get; set; }

    [JsonPropertyName("content")]
    public List<AnthropicContentBlock> Content { get; set; } = [];
}

/// <summary>
/// Any content block: <c>text</c>, <c>image</c>, <c>document</c>, <c>tool_use</c>, <c>tool_result</c>, <c>thinking</c>,
/// <c>redacted_thinking</c>, ...
/// </summary>
internal sealed class AnthropicContentBlock
{
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    /// <summary>An <c>image</c>'s or <c>document</c>'s source.</summary>
    [JsonPropertyName("source")]
    public AnthropicImageSource? Source { get; set; }

    /// <summary>A <c>document</c>'s title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; set; }

    /// <summary>A <c>document</c>'s context (not cited).</summary>
    [JsonPropertyName("context")]
    public string? Context { get; set; }

    /// <summary>
    /// On a <c>document</c> in a request, <c>{"enabled":true}</c>; on a <c>text</c> block of an answer, the array of
    /// citations backing it.
    /// </summary>
    [JsonPropertyName("citations")]
    public JsonElement? Citations { get; set; }

    /// <summary>A <c>thinking</c> block's reasoning text.</summary>
    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    /// <summary>A <c>thinking</c> block's signature, sent back unchanged.</summary>
    [JsonPropertyName("signature")]
    public string? Signature { get; set; }

    /// <summary>A <c>redacted_thinking</c> block's encrypted data.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }

    [JsonPropertyName("tool_use_id")]
    public string? ToolUseId { get; set; }

    /// <summary>A <c>tool_result</c>'s content: a string, or an array of blocks.</summary>
    [JsonPropertyName("content")]
    public JsonElement? Content { get; set; }

    [JsonPropertyName("is_error")]
    public bool? IsError { get; set; }

    [JsonPropertyName("cache_control")]
    public AnthropicCacheControl? CacheControl { get; set; }
}

/// <summary><c>{"type":"ephemeral"}</c>, optionally with <c>ttl</c> (<c>5m</c> or <c>1h</c>).</summary>
internal sealed class AnthropicCacheControl
{
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    [JsonPropertyName("ttl")]
    public string? Ttl { get; set; }
}

/// <summary><c>{"type":"enabled","budget_tokens":N}</c> or <c>{"type":"disabled"}</c>.</summary>
internal sealed class AnthropicThinkingConfig
{
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    [JsonPropertyName("budget_tokens")]
    public int? BudgetTokens { get; set; }
}

/// <summary>The source of an <c>image</c> or <c>document</c> block.</summary>
internal sealed class AnthropicImageSource
{
    /// <summary><c>base64</c>, <c>url</c>, or (documents) <c>text</c>, whose <see cref="Data"/> is the plain text.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    [JsonPropertyName("media_type")]
    public string? MediaType { get; set; }

    [JsonPropertyName("data")]
    public string? Data { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }
}

internal sealed class AnthropicMetadata
{
    [JsonPropertyName("user_id")]
    public string? UserId { get; set; }
}

internal sealed class AnthropicTool
{
    [JsonPropertyName("name")]
    public required string Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("input_schema")]
    public JsonElement InputSchema { get; set; }

    [JsonPropertyName("cache_control")]
    public AnthropicCacheControl? CacheControl { get; set; }
}

internal sealed class AnthropicToolChoice
{
    /// <summary><c>auto</c>, <c>any</c>, <c>tool</c> or <c>none</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("disable_parallel_tool_use")]
    public bool? DisableParallelToolUse { get; set; }
}

/// <summary>A Message: the non-streamed answer, and the skeleton in <c>message_start</c>.</summary>
internal sealed class AnthropicMessagesResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("content")]
    public List<AnthropicContentBlock>? Content { get; set; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("stop_sequence")]
    public string? StopSequence { get; set; }

    [JsonPropertyName("usage")]
    public AnthropicUsage? Usage { get; set; }
}

internal sealed class AnthropicUsage
{
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; set; }

    [JsonPropertyName("cache_creation_input_tokens")]
    public long? CacheCreationInputTokens { get; set; }

    [JsonPropertyName("cache_read_input_tokens")]
    public long? CacheReadInputTokens { get; set; }
}

/// <summary><c>{"type":"error","error":{"type":...,"message":...}}</c>, the body of every error status and of the <c>error</c> stream event.</summary>
internal sealed class AnthropicErrorEnvelope
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("error")]
    public AnthropicError? Error { get; set; }
}

internal sealed class AnthropicError
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

/// <summary>Any streaming event; which fields are set depends on <see cref="Type"/>.</summary>
internal sealed class AnthropicStreamEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public AnthropicMessagesResponse? Message { get; set; }

    [JsonPropertyName("index")]
    public int? Index { get; set; }

    [JsonPropertyName("content_block")]
    public AnthropicContentBlock? ContentBlock { get; set; }

    [JsonPropertyName("delta")]
    public AnthropicStreamDelta? Delta { get; set; }

    [JsonPropertyName("usage")]
    public AnthropicUsage? Usage { get; set; }

    [JsonPropertyName("error")]
    public AnthropicError? Error { get; set; }
}

/// <summary>A <c>content_block_delta</c>'s or <c>message_delta</c>'s delta.</summary>
internal sealed class AnthropicStreamDelta
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("partial_json")]
    public string? PartialJson { get; set; }

    /// <summary>A <c>thinking_delta</c>'s reasoning fragment.</summary>
    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    /// <summary>A <c>signature_delta</c>'s signature, closing a thinking block.</summary>
    [JsonPropertyName("signature")]
    public string? Signature { get; set; }

    /// <summary>A <c>citations_delta</c>'s one citation, for the text block's next text.</summary>
    [JsonPropertyName("citation")]
    public JsonElement? Citation { get; set; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("stop_sequence")]
    public string? StopSequence { get; set; }
}
