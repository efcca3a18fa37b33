namespace Tollgate.Core.Configuration;

/// <summary>
/// The <c>timeouts:</c> of a provider. Durations are written <c>500ms</c>, <c>10s</c>, <c>2m</c>.
/// </summary>
/// <param name="Connect"><c>connect</c>: TCP and TLS set-up. Default 10 s.</param>
/// <param name="FirstByte"><c>first_byte</c>: from sending the request to the response headers. Default 120 s (a long prompt can take that long to start).</param>
/// <param name="Idle"><c>idle</c>: the longest gap between two chunks of a body. Default 60 s.</param>
/// <param name="Total"><c>total</c>: the whole exchange, stream included. Default 10 min.</param>
public sealed record UpstreamTimeouts(TimeSpan Connect, TimeSpan FirstByte, TimeSpan Idle, TimeSpan Total)
{
    /// <summary>The defaults.</summary>
    public static UpstreamTimeouts Default { get; } =
        new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(10));
}
