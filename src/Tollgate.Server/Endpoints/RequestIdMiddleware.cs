namespace Tollgate.Server.Endpoints;

/// <summary>
/// Gives every request a new, unique, time-ordered id (<c>req_</c> + a version-7 UUID), sent back as
/// <c>x-request-id</c> and stored in <see cref="HttpContext.TraceIdentifier"/>. It is the ledger's key, so it is
/// never taken from the client: a client's retry with its own id is a new request and is billed as one. A sane id the
/// client sends (<c>x-client-request-id</c>, or <c>x-request-id</c>; up to 128 visible ASCII characters) is echoed
/// as <c>x-client-request-id</c>, OpenAI's convention. Time-ordered ids keep the ledger's unique index append-only.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "x-request-id";
    public const string ClientHeaderName = "x-client-request-id";

    public Task InvokeAsync(HttpContext context)
    {
        var id = "req_" + Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        var incoming = context.Request.Headers[ClientHeaderName];
        if (incoming.Count == 0)
        {
            incoming = context.Request.Headers[HeaderName];
        }

        if (incoming.Count == 1 && IsSane(incoming[0]))
        {
            context.Response.Headers[ClientHeaderName] = incoming[0];
        }

        return next(context);
    }

    private static bool IsSane(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
