using Tollgate.Core.Errors;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Core.Metering;

/// <summary>
/// Writes one <see cref="UsageRecord"/> per authenticated request after the rest of the pipeline has run, failures
/// included, through the non-blocking <see cref="IUsageSink"/>.
/// </summary>
public sealed class MeteringHandler(IUsageSink sink, TimeProvider time) : IGatewayHandler
{
    /// <inheritdoc/>
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (GatewayException ex)
        {
            context.StatusCode = ex.StatusCode;
            context.ErrorType = ex.ErrorType;
            throw;
        }
        catch (ProviderException ex)
        {
            context.StatusCode = ex.StatusCode;
            context.ErrorType = ex.ErrorType ?? "api_error";
            throw;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // nginx's convention for "client closed the request".
            context.StatusCode = 499;
            context.ErrorType = "client_closed_request";
            throw;
        }
        catch
        {
            context.StatusCode = 500;
            context.ErrorType = "api_error";
            throw;
        }
        finally
        {
            sink.TryWrite(CreateRecord(context));
        }
    }

    private UsageRecord CreateRecord(GatewayContext context)
    {
        var now = time.GetTimestamp();
        return new UsageRecord
        {
            RequestId = context.RequestId,
            Time = time.GetUtcNow() - time.GetElapsedTime(context.StartTimestamp, now),
            KeyId = context.Caller?.KeyId ?? "unknown",
            Operation = context.Operation,
            RequestedModel = context.RequestedModel,
            Provider = context.Target?.Deployment.Provider,
            DeploymentModel = context.Target?.Deployment.Model,
            Stream = context.Stream,
            Usage = context.Usage,
            StatusCode = context.StatusCode,
            ErrorType = context.ErrorType,
            Latency = time.GetElapsedTime(context.StartTimestamp, now),
            TimeToFirstToken = context.FirstTokenTimestamp is { } first ? time.GetElapsedTime(context.StartTimestamp, first) : null,
        };
    }
}
