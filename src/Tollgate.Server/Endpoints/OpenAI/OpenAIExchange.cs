namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>The OpenAI surface's state for one request: filled in by its read step, used by its terminal step.</summary>
internal sealed class OpenAIExchange(HttpContext http)
{
    public HttpContext Http { get; } = http;

    public RequestBody? Body { get; set; }

    public OpenAIRequestScan Scan { get; set; }
}
