using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Providers.Gemini;

/// <summary>Source-generated serialization for the Gemini and Vertex AI records. Unset fields are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GeminiGenerateContentRequest))]
[JsonSerializable(typeof(GeminiGenerateContentResponse))]
[JsonSerializable(typeof(GeminiErrorEnvelope))]
[JsonSerializable(typeof(GeminiEmbedContentRequest))]
[JsonSerializable(typeof(GeminiBatchEmbedContentsRequest))]
[JsonSerializable(typeof(GeminiEmbedContentResponse))]
[JsonSerializable(typeof(VertexPredictRequest))]
[JsonSerializable(typeof(VertexPredictResponse))]
[JsonSerializable(typeof(GoogleTokenResponse))]
[JsonSerializable(typeof(GoogleServiceAccountKeyFile))]
[JsonSerializable(typeof(GoogleJwtHeader))]
[JsonSerializable(typeof(GoogleJwtClaims))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(string))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
