using System.Threading.Channels;

namespace Tollgate.Core.Metering;

/// <summary>
/// A bounded channel between the request path and the background usage consumer. When the consumer falls 100,000
/// records behind, new records are dropped and counted in <see cref="Dropped"/> rather than slowing requests.
/// </summary>
public sealed class UsageChannel : IUsageSink
{
    private readonly Channel<UsageRecord> _channel = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private long _dropped;

    /// <summary>Records dropped because the consumer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The consumer's end.</summary>
    public ChannelReader<UsageRecord> Reader => _channel.Reader;

    /// <inheritdoc/>
    public bool TryWrite(UsageRecord record)
    {
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Ends the channel; the consumer drains what is left.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
