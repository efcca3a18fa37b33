using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tollgate.Testing.Gemini;

/// <summary>One request as <see cref="FakeGeminiUpstream"/> received it.</summary>
/// <param name="Path">The URL path, such as <c>/v1beta/models/gemini-2.5-flash:generateContent</c>.</param>
/// <param name="Query">The query string, with its leading <c>?</c> (empty when none).</param>
/// <param name="Headers">The headers, names lower-cased.</param>
/// <param name="RawBody">The body's text.</param>
public sealed record RecordedGeminiRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string RawBody)
{
    /// <summary>The body as JSON, or <see langword="null"/> when it is not a JSON object.</summary>
    public JsonObject? Body
    {
        get
        {
            try
            {
                return JsonNode.Parse(RawBody) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
