using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Core.Metering;

/// <summary>
/// The background consumer of <see cref="UsageChannel"/>: adds each record to <see cref="UsageTotals"/> and logs it at
/// Debug. On shutdown it drains the channel before returning, so no record is left behind.
/// </summary>
public sealed partial class UsageAggregator(UsageChannel channel, UsageTotals totals, ILogger<UsageAggregator> logger) : BackgroundService
{
    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        channel.Complete();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read until the channel completes (at shutdown) rather than until stoppingToken, so the tail is drained.
        await foreach (var record in channel.Reader.ReadAllAsync(CancellationToken.None))
        {
            totals.Add(record);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogRecord(logger, record.RequestId, record.RequestedModel, record.Provider, record.StatusCode,
                    record.Usage?.InputTokens ?? 0, record.Usage?.OutputTokens ?? 0, record.Latency.TotalMilliseconds);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} model={Model} provider={Provider} status={Status} input={InputTokens} output={OutputTokens} latency={LatencyMs}ms")]
    private static partial void LogRecord(ILogger logger, string requestId, string model, string? provider, int status, long inputTokens, long outputTokens, double latencyMs);
}
