using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

// The Bedrock Runtime JSON records, as documented at
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html, API_runtime_ConverseStream.html,
// API_runtime_ContentBlock.html, API_runtime_ConverseStreamOutput.html and API_runtime_InvokeModel.html. Converse
// unions (ContentBlock, ToolChoice, SystemContentBlock, Tool) are one record each with every member nullable: exactly
// one member is set, and unset members are not written. The house style lets a provider keep its wire records in one file.

namespace Tollgate.Providers.Bedrock;

/// <summary>The body of <c>POST /model/{modelId}/converse</c> and <c>/converse-stream</c>.</summary>
internal sealed class BedrockConverseRequest
{
    [JsonPropertyName("messages")]
    public List<BedrockMessage> Messages { get; set; } = [];

    [JsonPropertyName("system")]
    public List<BedrockSystemBlock>? System { get; set; }

    [JsonPropertyName("inferenceConfig")]
    public BedrockInferenceConfig? InferenceConfig { get; set; }

    [JsonPropertyName("toolConfig")]
    public BedrockToolConfig? ToolConfig { get; set; }

    [JsonPropertyName("additionalModelRequestFields")]
    public JsonObject? AdditionalModelRequestFields { get; set; }
}

internal sealed class BedrockMessage
{
    [JsonPropertyName("role")]
    public required string Role { get; set; }

    [JsonPropertyName("content")]
    public List<BedrockContentBlock> Content { get; set; } = [];
}

/// <summary>SystemContentBlock: <c>text</c> or <c>cachePoint</c>.</summary>
internal sealed class BedrockSystemBlock
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("cachePoint")]
    public BedrockCachePoint? CachePoint { get; set; }
}

/// <summary>ContentBlock: one of <c>text</c>, <c>image</c>, <c>document</c>, <c>toolUse</c>, <c>toolResult</c>, <c>reasoningContent</c>, <c>cachePoint</c>.</summary>
internal sealed class BedrockContentBlock
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("image")]
    public BedrockImageBlock? Image { get; set; }

    [JsonPropertyName("document")]
    public BedrockDocumentBlock? Document { get; set; }

    [JsonPropertyName("toolUse")]
    public BedrockToolUseBlock? ToolUse { get; set; }

    [JsonPropertyName("toolResult")]
    public BedrockToolResultBlock? ToolResult { get; set; }

    [JsonPropertyName("reasoningContent")]
    public BedrockReasoningContent? ReasoningContent { get; set; }

    [JsonPropertyName("cachePoint")]
    public BedrockCachePoint? CachePoint { get; set; }
}

internal sealed class BedrockCachePoint
{
    /// <summary>Always <c>default</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "default";

    /// <summary><c>5m</c> or <c>1h</c>, when given.</summary>
    [JsonPropertyName("ttl")]
    public string? Ttl { get; set; }
}

internal sealed class BedrockImageBlock
{
    /// <summary><c>png</c>, <c>jpeg</c>, <c>gif</c> or <c>webp</c>.</summary>
    [JsonPropertyName("format")]
    public required string Format { get; set; }

    [JsonPropertyName("source")]
    public required BedrockBytesSource Source { get; set; }
}

internal sealed class BedrockDocumentBlock
{
    /// <summary><c>pdf</c>, <c>csv</c>, <c>doc</c>, <c>docx</c>, <c>xls</c>, <c>xlsx</c>, <c>html</c>, <c>txt</c> or <c>md</c>.</summary>
    [JsonPropertyName("format")]
    public required string Format { get; set; }

    /// <summary>Alphanumerics, single whitespace, hyphens, parentheses and square brackets; 1 to 200 characters.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; set; }

    [JsonPropertyName("source")]
    public required BedrockBytesSource Source { get; set; }

    [JsonPropertyName("context")]
    public string? Context { get; set; }
}

/// <summary>ImageSource / DocumentSource with the <c>bytes</c> member: base64 in JSON.</summary>
internal sealed class BedrockBytesSource
{
    [JsonPropertyName("bytes")]
    public string? Bytes { get; set; }
}

internal sealed class BedrockToolUseBlock
{
    [JsonPropertyName("toolUseId")]
    public string? ToolUseId { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }
}

internal sealed class BedrockToolResultBlock
{
    [JsonPropertyName("toolUseId")]
    public required string ToolUseId { get; set; }

    [JsonPropertyName("content")]
    public List<BedrockToolResultContent> Content { get; set; } = [];

    /// <summary><c>success</c> or <c>error</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; set; }
}

/// <summary>ToolResultContentBlock: <c>text</c>, <c>json</c>, <c>image</c> or <c>document</c>.</summary>
internal sealed class BedrockToolResultContent
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("json")]
    public JsonElement? Json { get; set; }

    [JsonPropertyName("image")]
    public BedrockImageBlock? Image { get; set; }

    [JsonPropertyName("document")]
    public BedrockDocumentBlock? Document { get; set; }
}

/// <summary>ReasoningContentBlock: <c>reasoningText</c> or <c>redactedContent</c> (base64).</summary>
internal sealed class BedrockReasoningContent
{
    [JsonPropertyName("reasoningText")]
    public BedrockReasoningText? ReasoningText { get; set; }

    [JsonPropertyName("redactedContent")]
    public string? RedactedContent { get; set; }
}

internal sealed class BedrockReasoningText
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("signature")]
    public string? Signature { get; set; }
}

internal sealed class BedrockInferenceConfig
{
    [JsonPropertyName("maxTokens")]
    public int? MaxTokens { get; set; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    [JsonPropertyName("topP")]
    public double? TopP { get; set; }

    [JsonPropertyName("stopSequences")]
    public List<string>? StopSequences { get; set; }
}

internal sealed class BedrockToolConfig
{
    [JsonPropertyName("tools")]
    public List<BedrockTool> Tools { get; set; } = [];

    [JsonPropertyName("toolChoice")]
    public BedrockToolChoice? ToolChoice { get; set; }
}

/// <summary>Tool: <c>toolSpec</c> or <c>cachePoint</c>.</summary>
internal sealed class BedrockTool
{
    [JsonPropertyName("toolSpec")]
    public BedrockToolSpec? ToolSpec { get; set; }

    [JsonPropertyName("cachePoint")]
    public BedrockCachePoint? CachePoint { get; set; }
}

internal sealed class BedrockToolSpec
{
    [JsonPropertyName("name")]
    public required string Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("inputSchema")]
    public required BedrockToolInputSchema InputSchema { get; set; }
}

internal sealed class BedrockToolInputSchema
{
    [JsonPropertyName("json")]
    public JsonElement Json { get; set; }
}

/// <summary>ToolChoice: <c>auto</c> (<c>{}</c>), <c>any</c> (<c>{}</c>) or <c>tool</c> (<c>{"name"}</c>). There is no <c>none</c>.</summary>
internal sealed class BedrockToolChoice
{
    [JsonPropertyName("auto")]
    public BedrockEmpty? Auto { get; set; }

    [JsonPropertyName("any")]
    public BedrockEmpty? Any { get; set; }

    [JsonPropertyName("tool")]
    public BedrockSpecificTool? Tool { get; set; }
}

/// <summary>An empty JSON object.</summary>
internal sealed class BedrockEmpty;

internal sealed class BedrockSpecificTool
{
    [JsonPropertyName("name")]
    public required string Name { get; set; }
}

/// <summary>The Converse response.</summary>
internal sealed class BedrockConverseResponse
{
    [JsonPropertyName("output")]
    public BedrockConverseOutput? Output { get; set; }

    [JsonPropertyName("stopReason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("usage")]
    public BedrockUsage? Usage { get; set; }
}

internal sealed class BedrockConverseOutput
{
    [JsonPropertyName("message")]
    public BedrockMessage? Message { get; set; }
}

/// <summary>TokenUsage. <c>inputTokens</c> excludes the cache reads and writes, which are reported apart.</summary>
internal sealed class BedrockUsage
{
    [JsonPropertyName("inputTokens")]
    public long? InputTokens { get; set; }

    [JsonPropertyName("outputTokens")]
    public long? OutputTokens { get; set; }

    [JsonPropertyName("totalTokens")]
    public long? TotalTokens { get; set; }

    [JsonPropertyName("cacheReadInputTokens")]
    public long? CacheReadInputTokens { get; set; }

    [JsonPropertyName("cacheWriteInputTokens")]
    public long? CacheWriteInputTokens { get; set; }
}

/// <summary>
/// The JSON payload of any ConverseStream event (the event's type is the <c>:event-type</c> header): messageStart
/// (<c>role</c>), contentBlockStart (<c>contentBlockIndex</c>, <c>start</c>), contentBlockDelta (<c>contentBlockIndex</c>,
/// <c>delta</c>), contentBlockStop, messageStop (<c>stopReason</c>), metadata (<c>usage</c>, <c>metrics</c>), and the
/// exceptions (<c>message</c>).
/// </summary>
internal sealed class BedrockStreamEvent
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("contentBlockIndex")]
    public int? ContentBlockIndex { get; set; }

    [JsonPropertyName("start")]
    public BedrockBlockStart? Start { get; set; }

    [JsonPropertyName("delta")]
    public BedrockBlockDelta? Delta { get; set; }

    [JsonPropertyName("stopReason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("usage")]
    public BedrockUsage? Usage { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

internal sealed class BedrockBlockStart
{
    [JsonPropertyName("toolUse")]
    public BedrockToolUseBlock? ToolUse { get; set; }
}

/// <summary>ContentBlockDelta: <c>text</c>, <c>toolUse</c> (<c>input</c> is a JSON fragment), or <c>reasoningContent</c>.</summary>
internal sealed class BedrockBlockDelta
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("toolUse")]
    public BedrockToolUseDelta? ToolUse { get; set; }

    [JsonPropertyName("reasoningContent")]
    public BedrockReasoningDelta? ReasoningContent { get; set; }
}

internal sealed class BedrockToolUseDelta
{
    [JsonPropertyName("input")]
    public string? Input { get; set; }
}

internal sealed class BedrockReasoningDelta
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("signature")]
    public string? Signature { get; set; }

    [JsonPropertyName("redactedContent")]
    public string? RedactedContent { get; set; }
}

/// <summary>InvokeModel body for Amazon Titan Text Embeddings (v1 takes only <c>inputText</c>).</summary>
internal sealed class BedrockTitanEmbeddingRequest
{
    [JsonPropertyName("inputText")]
    public required string InputText { get; set; }

    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; set; }

    [JsonPropertyName("normalize")]
    public bool? Normalize { get; set; }
}

internal sealed class BedrockTitanEmbeddingResponse
{
    [JsonPropertyName("embedding")]
    public float[]? Embedding { get; set; }

    [JsonPropertyName("inputTextTokenCount")]
    public long? InputTextTokenCount { get; set; }
}

/// <summary>InvokeModel body for Cohere Embed on Bedrock.</summary>
internal sealed class BedrockCohereEmbeddingRequest
{
    [JsonPropertyName("texts")]
    public required List<string> Texts { get; set; }

    [JsonPropertyName("input_type")]
    public required string InputType { get; set; }
}

internal sealed class BedrockCohereEmbeddingResponse
{
    [JsonPropertyName("embeddings")]
    public List<float[]>? Embeddings { get; set; }
}
