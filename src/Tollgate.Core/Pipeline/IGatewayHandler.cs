namespace Tollgate.Core.Pipeline;

/// <summary>
/// One stage of the request pipeline. A stage may refuse the request by throwing a
/// <see cref="Errors.GatewayException"/>, enrich the <see cref="GatewayContext"/>, and act after the rest has run.
/// Stages are singletons and must be thread-safe.
/// </summary>
public interface IGatewayHandler
{
    /// <summary>Runs the stage; calls <paramref name="next"/> to continue.</summary>
    Task InvokeAsync(GatewayContext context, GatewayDelegate next);
}
