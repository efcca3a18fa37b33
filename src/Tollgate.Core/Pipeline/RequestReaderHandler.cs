namespace Tollgate.Core.Pipeline;

/// <summary>Runs a client surface's request-reading step (body, validation, model name), then the rest.</summary>
internal sealed class RequestReaderHandler(GatewayDelegate readRequest) : IGatewayHandler
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        await readRequest(context);
        await next(context);
    }
}
