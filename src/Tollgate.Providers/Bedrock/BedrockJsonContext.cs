using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tollgate.Providers.Bedrock;

/// <summary>Source-generated serialization for the Bedrock Runtime records. Unset fields are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BedrockConverseRequest))]
[JsonSerializable(typeof(BedrockConverseResponse))]
[JsonSerializable(typeof(BedrockStreamEvent))]
[JsonSerializable(typeof(BedrockTitanEmbeddingRequest))]
[JsonSerializable(typeof(BedrockTitanEmbeddingResponse))]
[JsonSerializable(typeof(BedrockCohereEmbeddingRequest))]
[JsonSerializable(typeof(BedrockCohereEmbeddingResponse))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class BedrockJsonContext : JsonSerializerContext;
