using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Core.Metering;

/// <summary>
/// The background consumer of <see cref="UsageChannel"/>: adds each record to <see cref="UsageTotals"/> and logs it at
/// Debug. It drains the channel in batches, pausing <see cref="BatchInterval"/> between them, so a busy server wakes it
/// a few times a second rather than once per request. On shutdown it drains the channel before returning.
/// </summary>
public sealed partial class UsageAggregator(UsageChannel channel, UsageTotals totals, TimeProvider time, ILogger<UsageAggregator> logger) : BackgroundService
{
    /// <summary>The pause between batches: the most a record waits before it is counted.</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(50);

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
        var reader = channel.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (reader.TryRead(out var record))
            {
                totals.Add(record);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    LogRecord(logger, record.RequestId, record.RequestedModel, record.Provider, record.StatusCode,
                        record.Usage?.InputTokens ?? 0, record.Usage?.OutputTokens ?? 0, record.Latency.TotalMilliseconds);
                }
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(BatchInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: drain what is left without pausing.
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} model={Model} provider={Provider} status={Status} input={InputTokens} output={OutputTokens} latency={LatencyMs}ms")]
    private static partial void LogRecord(ILogger logger, string requestId, string model, string? provider, int status, long inputTokens, long outputTokens, double latencyMs);
}
