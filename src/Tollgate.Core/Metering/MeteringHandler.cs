using Tollgate.Core.Errors;
using Tollgate.Core.Ledger;
using Tollgate.Core.Pipeline;
using Tollgate.Ledger;
using Tollgate.Providers;

namespace Tollgate.Core.Metering;

/// <summary>
/// Writes one <see cref="UsageRecord"/> per authenticated request after the rest of the pipeline has run, failures
/// included, through the non-blocking <see cref="IUsageSink"/>, and, when a ledger is configured, one priced
/// <see cref="LedgerRecord"/> through the non-blocking <see cref="ILedgerSink"/>.
/// </summary>
public sealed class MeteringHandler(IUsageSink sink, TimeProvider time, ILedgerSink? ledger = null) : IGatewayHandler
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
            var record = CreateRecord(context);
            sink.TryWrite(record);
            ledger?.Enqueue(CreateLedgerRecord(context, record));
        }
    }

    private LedgerRecord CreateLedgerRecord(GatewayContext context, UsageRecord record)
    {
        var caller = context.Caller;
        var usage = record.Usage;
        return new LedgerRecord
        {
            RequestId = record.RequestId,
            Time = record.Time,
            KeyId = record.KeyId,
            UserId = caller?.UserId,
            TeamId = caller?.TeamId,
            Operation = record.Operation switch
            {
                ApiOperation.Embeddings => "embeddings",
                ApiOperation.CountTokens => "count_tokens",
                _ => "chat",
            },
            RequestedModel = record.RequestedModel,
            Provider = record.Provider,
            DeploymentModel = record.DeploymentModel,
            Stream = record.Stream,
            InputTokens = usage?.InputTokens ?? 0,
            CachedInputTokens = usage?.CachedInputTokens ?? 0,
            CacheWriteTokens = usage?.CacheWriteTokens ?? 0,
            OutputTokens = usage?.OutputTokens ?? 0,
            ReasoningTokens = usage?.ReasoningTokens ?? 0,
            CostNanoDollars = usage is null ? 0 : RequestPricing.Cost(context, time).TotalNanoDollars,
            LatencyMs = record.Latency.TotalMilliseconds,
            TimeToFirstTokenMs = record.TimeToFirstToken?.TotalMilliseconds,
            StatusCode = record.StatusCode,
            ErrorType = record.ErrorType,
            Tags = caller?.Tags ?? [],
        };
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
