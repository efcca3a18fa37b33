using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tollgate.Testing.Bedrock;

/// <summary>A request as the fake Bedrock upstream received it.</summary>
/// <param name="RawTarget">The request target exactly as sent, percent-encoding kept.</param>
/// <param name="ModelId">The decoded model id of <c>/model/{modelId}/...</c>.</param>
/// <param name="Operation"><c>converse</c>, <c>converse-stream</c> or <c>invoke</c>.</param>
/// <param name="Headers">Headers by lower-case name.</param>
/// <param name="RawBody">The body text.</param>
public sealed record RecordedBedrockRequest(string RawTarget, string? ModelId, string? Operation, IReadOnlyDictionary<string, string> Headers, string RawBody)
{
    /// <summary>The body as JSON, or <see langword="null"/> when it is not JSON.</summary>
    public JsonNode? Body
    {
        get
        {
            try
            {
                return JsonNode.Parse(RawBody);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
