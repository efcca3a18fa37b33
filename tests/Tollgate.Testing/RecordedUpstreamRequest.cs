using System.Text.Json.Nodes;

namespace Tollgate.Testing;

/// <summary>One request a fake upstream received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="Query">The query string, with its leading <c>?</c>, or empty.</param>
/// <param name="Headers">Every request header, names lower-cased, multiple values joined with a comma.</param>
/// <param name="RawBody">The body exactly as received.</param>
public sealed record RecordedUpstreamRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string RawBody)
{
    /// <summary>The body parsed as JSON, or <see langword="null"/> when it is not JSON.</summary>
    public JsonNode? Body
    {
        get
        {
            try
            {
                return JsonNode.Parse(RawBody);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }
}
