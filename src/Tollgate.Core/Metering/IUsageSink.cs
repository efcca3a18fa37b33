namespace Tollgate.Core.Metering;

/// <summary>Where usage records go. Writing never waits: the request path hands the record over and moves on.</summary>
public interface IUsageSink
{
    /// <summary>Hands a record over; returns <see langword="false"/> when it had to be dropped.</summary>
    bool TryWrite(UsageRecord record);
}
