using System.Text.Json;
using System.Text.Json.Serialization;

// The JSON records of Google's generateContent family, shared by the Gemini API
// (https://ai.google.dev/api/generate-content, https://ai.google.dev/api/embeddings) and Vertex AI
// (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference, text embeddings :predict), plus the
// OAuth token response (https://developers.google.com/identity/protocols/oauth2/service-account). The house style lets a
// provider keep its wire records in one file. Unset fields are not written.

namespace Tollgate.Providers.Gemini;

/// <summary>The body of <c>:generateContent</c> and <c>:streamGenerateContent</c>.</summary>
internal sealed class GeminiGenerateContentRequest
{
    [JsonPropertyName("contents")]
    public List<GeminiContent> Contents { get; set; } = [];

    [JsonPropertyName("systemInstruction")]
    public GeminiContent? SystemInstruction { get; set; }

    [JsonPropertyName("tools")]
    public List<GeminiTool>? Tools { get; set; }

    [JsonPropertyName("toolConfig")]
    public GeminiToolConfig? ToolConfig { get; set; }

    [JsonPropertyName("generationConfig")]
    public GeminiGenerationConfig? GenerationConfig { get; set; }
}

/// <summary>A turn: <c>role</c> is <c>user</c> or <c>model</c> (absent on <c>systemInstruction</c>).</summary>
internal sealed class GeminiContent
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("parts")]
    public List<GeminiPart>? Parts { get; set; }
}

/// <summary>One part; exactly one data field is set, and <c>thought</c> / <c>thoughtSignature</c> may accompany it.</summary>
internal sealed class GeminiPart
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("thought")]
    public bool? Thought { get; set; }

    [JsonPropertyName("thoughtSignature")]
    public string? ThoughtSignature { get; set; }

    [JsonPropertyName("inlineData")]
    public GeminiBlob? InlineData { get; set; }

    [JsonPropertyName("fileData")]
    public GeminiFileData? FileData { get; set; }

    [JsonPropertyName("functionCall")]
    public GeminiFunctionCall? FunctionCall { get; set; }

    [JsonPropertyName("functionResponse")]
    public GeminiFunctionResponse? FunctionResponse { get; set; }
}

internal sealed class GeminiBlob
{
    [JsonPropertyName("mimeType")]
    public required string MimeType { get; set; }

    /// <summary>Base64.</summary>
    [JsonPropertyName("data")]
    public required string Data { get; set; }
}

internal sealed class GeminiFileData
{
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; set; }

    [JsonPropertyName("fileUri")]
    public required string FileUri { get; set; }
}

internal sealed class GeminiFunctionCall
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("args")]
    public JsonElement? Args { get; set; }
}

internal sealed class GeminiFunctionResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public required string Name { get; set; }

    /// <summary>A JSON object: <c>output</c> carries the result, <c>error</c> a failure.</summary>
    [JsonPropertyName("response")]
    public JsonElement Response { get; set; }
}

internal sealed class GeminiTool
{
    [JsonPropertyName("functionDeclarations")]
    public List<GeminiFunctionDeclaration> FunctionDeclarations { get; set; } = [];
}

internal sealed class GeminiFunctionDeclaration
{
    [JsonPropertyName("name")]
    public required string Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>Standard JSON Schema (not the OpenAPI subset of <c>parameters</c>).</summary>
    [JsonPropertyName("parametersJsonSchema")]
    public JsonElement? ParametersJsonSchema { get; set; }
}

internal sealed class GeminiToolConfig
{
    [JsonPropertyName("functionCallingConfig")]
    public required GeminiFunctionCallingConfig FunctionCallingConfig { get; set; }
}

internal sealed class GeminiFunctionCallingConfig
{
    /// <summary><c>AUTO</c>, <c>ANY</c> or <c>NONE</c>.</summary>
    [JsonPropertyName("mode")]
    public required string Mode { get; set; }

    [JsonPropertyName("allowedFunctionNames")]
    public List<string>? AllowedFunctionNames { get; set; }
}

internal sealed class GeminiGenerationConfig
{
    [JsonPropertyName("stopSequences")]
    public List<string>? StopSequences { get; set; }

    [JsonPropertyName("responseMimeType")]
    public string? ResponseMimeType { get; set; }

    [JsonPropertyName("responseJsonSchema")]
    public JsonElement? ResponseJsonSchema { get; set; }

    [JsonPropertyName("candidateCount")]
    public int? CandidateCount { get; set; }

    [JsonPropertyName("maxOutputTokens")]
    public int? MaxOutputTokens { get; set; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    [JsonPropertyName("topP")]
    public double? TopP { get; set; }

    [JsonPropertyName("topK")]
    public int? TopK { get; set; }

    [JsonPropertyName("seed")]
    public int? Seed { get; set; }

    [JsonPropertyName("presencePenalty")]
    public double? PresencePenalty { get; set; }

    [JsonPropertyName("frequencyPenalty")]
    public double? FrequencyPenalty { get; set; }

    [JsonPropertyName("responseLogprobs")]
    public bool? ResponseLogprobs { get; set; }

    [JsonPropertyName("logprobs")]
    public int? Logprobs { get; set; }

    [JsonPropertyName("thinkingConfig")]
    public GeminiThinkingConfig? ThinkingConfig { get; set; }
}

internal sealed class GeminiThinkingConfig
{
    [JsonPropertyName("includeThoughts")]
    public bool? IncludeThoughts { get; set; }

    [JsonPropertyName("thinkingBudget")]
    public int? ThinkingBudget { get; set; }

    /// <summary>Gemini 3 and later: <c>minimal</c>, <c>low</c>, <c>medium</c> or <c>high</c> (not together with a budget).</summary>
    [JsonPropertyName("thinkingLevel")]
    public string? ThinkingLevel { get; set; }
}

/// <summary>A whole answer, and each chunk of a stream (the same shape).</summary>
internal sealed class GeminiGenerateContentResponse
{
    [JsonPropertyName("candidates")]
    public List<GeminiCandidate>? Candidates { get; set; }

    [JsonPropertyName("promptFeedback")]
    public GeminiPromptFeedback? PromptFeedback { get; set; }

    [JsonPropertyName("usageMetadata")]
    public GeminiUsageMetadata? UsageMetadata { get; set; }

    [JsonPropertyName("modelVersion")]
    public string? ModelVersion { get; set; }

    [JsonPropertyName("responseId")]
    public string? ResponseId { get; set; }

    /// <summary>Set when a stream reports an error in place of a chunk.</summary>
    [JsonPropertyName("error")]
    public GeminiError? Error { get; set; }
}

internal sealed class GeminiCandidate
{
    [JsonPropertyName("content")]
    public GeminiContent? Content { get; set; }

    [JsonPropertyName("finishReason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("index")]
    public int? Index { get; set; }

    [JsonPropertyName("logprobsResult")]
    public GeminiLogprobsResult? LogprobsResult { get; set; }
}

internal sealed class GeminiPromptFeedback
{
    [JsonPropertyName("blockReason")]
    public string? BlockReason { get; set; }

    [JsonPropertyName("blockReasonMessage")]
    public string? BlockReasonMessage { get; set; }
}

internal sealed class GeminiLogprobsResult
{
    [JsonPropertyName("topCandidates")]
    public List<GeminiTopCandidates>? TopCandidates { get; set; }

    [JsonPropertyName("chosenCandidates")]
    public List<GeminiLogprobCandidate>? ChosenCandidates { get; set; }
}

internal sealed class GeminiTopCandidates
{
    [JsonPropertyName("candidates")]
    public List<GeminiLogprobCandidate>? Candidates { get; set; }
}

internal sealed class GeminiLogprobCandidate
{
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("logProbability")]
    public double? LogProbability { get; set; }
}

/// <summary>Token counts; see <see cref="GeminiMapper.MapUsage"/> for how they are normalised.</summary>
internal sealed class GeminiUsageMetadata
{
    [JsonPropertyName("promptTokenCount")]
    public long? PromptTokenCount { get; set; }

    [JsonPropertyName("cachedContentTokenCount")]
    public long? CachedContentTokenCount { get; set; }

    [JsonPropertyName("candidatesTokenCount")]
    public long? CandidatesTokenCount { get; set; }

    [JsonPropertyName("toolUsePromptTokenCount")]
    public long? ToolUsePromptTokenCount { get; set; }

    [JsonPropertyName("thoughtsTokenCount")]
    public long? ThoughtsTokenCount { get; set; }

    [JsonPropertyName("totalTokenCount")]
    public long? TotalTokenCount { get; set; }
}

/// <summary><c>{"error":{"code","message","status","details"}}</c>: Google's error body (google.rpc.Status).</summary>
internal sealed class GeminiErrorEnvelope
{
    [JsonPropertyName("error")]
    public GeminiError? Error { get; set; }
}

internal sealed class GeminiError
{
    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("details")]
    public List<JsonElement>? Details { get; set; }
}

/// <summary>The body of the Gemini API's <c>:embedContent</c>, and one entry of <c>:batchEmbedContents</c>.</summary>
internal sealed class GeminiEmbedContentRequest
{
    /// <summary><c>models/{model}</c>; required in batch entries.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("content")]
    public required GeminiContent Content { get; set; }

    [JsonPropertyName("taskType")]
    public string? TaskType { get; set; }

    [JsonPropertyName("outputDimensionality")]
    public int? OutputDimensionality { get; set; }
}

internal sealed class GeminiBatchEmbedContentsRequest
{
    [JsonPropertyName("requests")]
    public List<GeminiEmbedContentRequest> Requests { get; set; } = [];
}

/// <summary>The answer of <c>:embedContent</c> (<c>embedding</c>) or <c>:batchEmbedContents</c> (<c>embeddings</c>).</summary>
internal sealed class GeminiEmbedContentResponse
{
    [JsonPropertyName("embedding")]
    public GeminiContentEmbedding? Embedding { get; set; }

    [JsonPropertyName("embeddings")]
    public List<GeminiContentEmbedding>? Embeddings { get; set; }
}

internal sealed class GeminiContentEmbedding
{
    [JsonPropertyName("values")]
    public float[]? Values { get; set; }
}

/// <summary>The body of Vertex AI's <c>:predict</c> for text embedding models.</summary>
internal sealed class VertexPredictRequest
{
    [JsonPropertyName("instances")]
    public List<VertexEmbeddingInstance> Instances { get; set; } = [];

    [JsonPropertyName("parameters")]
    public VertexEmbeddingParameters? Parameters { get; set; }
}

internal sealed class VertexEmbeddingInstance
{
    [JsonPropertyName("content")]
    public required string Content { get; set; }

    [JsonPropertyName("task_type")]
    public string? TaskType { get; set; }
}

internal sealed class VertexEmbeddingParameters
{
    [JsonPropertyName("outputDimensionality")]
    public int? OutputDimensionality { get; set; }
}

internal sealed class VertexPredictResponse
{
    [JsonPropertyName("predictions")]
    public List<VertexEmbeddingPrediction>? Predictions { get; set; }
}

internal sealed class VertexEmbeddingPrediction
{
    [JsonPropertyName("embeddings")]
    public VertexEmbeddingValues? Embeddings { get; set; }
}

internal sealed class VertexEmbeddingValues
{
    [JsonPropertyName("values")]
    public float[]? Values { get; set; }

    [JsonPropertyName("statistics")]
    public VertexEmbeddingStatistics? Statistics { get; set; }
}

internal sealed class VertexEmbeddingStatistics
{
    [JsonPropertyName("token_count")]
    public double? TokenCount { get; set; }

    [JsonPropertyName("truncated")]
    public bool? Truncated { get; set; }
}

/// <summary>The token endpoint's answer (RFC 6749 section 5.1 and 5.2).</summary>
internal sealed class GoogleTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; set; }
}

/// <summary>The fields of a service-account JSON key file this provider reads.</summary>
internal sealed class GoogleServiceAccountKeyFile
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("project_id")]
    public string? ProjectId { get; set; }

    [JsonPropertyName("private_key_id")]
    public string? PrivateKeyId { get; set; }

    [JsonPropertyName("private_key")]
    public string? PrivateKey { get; set; }

    [JsonPropertyName("client_email")]
    public string? ClientEmail { get; set; }

    [JsonPropertyName("token_uri")]
    public string? TokenUri { get; set; }
}

/// <summary>The JWT header of the assertion.</summary>
internal sealed class GoogleJwtHeader
{
    [JsonPropertyName("alg")]
    public string Alg { get; set; } = "RS256";

    [JsonPropertyName("typ")]
    public string Typ { get; set; } = "JWT";

    [JsonPropertyName("kid")]
    public string? Kid { get; set; }
}

/// <summary>The JWT claim set of the assertion.</summary>
internal sealed class GoogleJwtClaims
{
    [JsonPropertyName("iss")]
    public required string Iss { get; set; }

    [JsonPropertyName("scope")]
    public required string Scope { get; set; }

    [JsonPropertyName("aud")]
    public required string Aud { get; set; }

    [JsonPropertyName("iat")]
    public long Iat { get; set; }

    [JsonPropertyName("exp")]
    public long Exp { get; set; }
}
