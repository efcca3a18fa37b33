namespace Tollgate.Providers;

/// <summary>An upstream response whose headers have arrived. Disposing it releases the connection.</summary>
public sealed class UpstreamResponse : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owner;

    /// <summary>Creates a response over a body stream; <paramref name="owner"/> is disposed with it.</summary>
    public UpstreamResponse(int statusCode, string? contentType, Stream body, IAsyncDisposable? owner)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
        _owner = owner;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The Content-Type header, when present.</summary>
    public string? ContentType { get; }

    /// <summary>The body, read as it arrives.</summary>
    public Stream Body { get; }

    /// <summary>The declared body length, when the upstream sent Content-Length.</summary>
    public long? ContentLength { get; init; }

    /// <summary>Upstream headers worth relaying to the client (rate-limit headers, Retry-After, request ids).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RelayedHeaders { get; init; } = [];

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync();
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }
    }
}
