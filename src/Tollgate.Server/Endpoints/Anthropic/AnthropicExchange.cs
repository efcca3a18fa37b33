namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>The Anthropic surface's state for one request: filled in by its read step, used by its terminal step.</summary>
internal sealed class AnthropicExchange(HttpContext http)
{
    public HttpContext Http { get; } = http;

    public RequestBody? Body { get; set; }

    public AnthropicRequestScan Scan { get; set; }

    /// <summary>The client's <c>anthropic-version</c>, once checked.</summary>
    public string? Version { get; set; }

    /// <summary>The client's <c>anthropic-beta</c> names, split and in order; empty when none.</summary>
    public IReadOnlyList<string> Betas { get; set; } = [];
}
