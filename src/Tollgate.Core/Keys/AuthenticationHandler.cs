using Tollgate.Core.Errors;
using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Keys;

/// <summary>
/// The first stage: refuses requests without a valid key (401) and records the caller. While the request runs, the
/// key's revocation aborts it (<see cref="GatewayContext.Abort"/>): revocation takes effect on requests in flight too,
/// streams included, and their upstream calls are cancelled.
/// </summary>
public sealed class AuthenticationHandler(IRequestAuthenticator authenticator) : IGatewayHandler
{
    /// <inheritdoc/>
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var caller = await authenticator.AuthenticateAsync(context.PresentedKey, context.RequestAborted);
        if (caller is null)
        {
            throw GatewayException.Unauthorized(context.PresentedKey is null
                ? "Missing API key. Send it as 'Authorization: Bearer <key>'."
                : "Incorrect API key provided.");
        }

        context.Caller = caller;
        if (!caller.Revoked.CanBeCanceled || context.Abort is null)
        {
            await next(context);
            return;
        }

        using var revocation = caller.Revoked.Register(static state => ((GatewayContext)state!).Abort!(), context);
        await next(context);
    }
}
