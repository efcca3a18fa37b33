namespace Tollgate.Providers;

/// <summary>A request forwarded in the upstream's own format.</summary>
/// <param name="Operation">Which endpoint to call.</param>
/// <param name="Body">The JSON body, model name already rewritten.</param>
/// <param name="Stream">Whether the answer is a server-sent-event stream.</param>
public sealed record PassthroughRequest(ApiOperation Operation, ReadOnlyMemory<byte> Body, bool Stream)
{
    /// <summary>Request headers the client sent that this format defines (such as <c>anthropic-beta</c>), to forward as they are.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ForwardedHeaders { get; init; } = [];
}
