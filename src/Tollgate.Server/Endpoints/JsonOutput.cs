using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tollgate.Server.Endpoints;

/// <summary>Writer settings for every JSON body the server writes: minimal escaping (no <c>\u0027</c> for quotes), as OpenAI and Anthropic do.</summary>
internal static class JsonOutput
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
