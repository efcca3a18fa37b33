using Tollgate.Core.Configuration;
using Tollgate.Core.Routing;

namespace Tollgate.Core.Tests.Routing;

public sealed class RetryBackoffTests
{
    private static readonly RoutingConfig Routing = new() { BackoffInitial = TimeSpan.FromMilliseconds(100), BackoffMax = TimeSpan.FromSeconds(1), MaxRetryAfter = TimeSpan.FromSeconds(5) };

    [Theory]
    [InlineData(1, 50, 100)]
    [InlineData(2, 100, 200)]
    [InlineData(3, 200, 400)]
    [InlineData(5, 500, 1000)]
    [InlineData(30, 500, 1000)]
    public void Delay_Retry_GrowsExponentiallyWithJitterUnderTheCap(int retry, double minMs, double maxMs)
    {
        var random = new Random(5);
        var seen = new HashSet<double>();
        for (var i = 0; i < 200; i++)
        {
            var delay = RetryBackoff.Delay(retry, Routing, null, random)!.Value.TotalMilliseconds;
            Assert.InRange(delay, minMs, maxMs);
            seen.Add(delay);
        }

        Assert.True(seen.Count > 100, "jitter spreads the delays");
    }

    [Fact]
    public void Delay_RetryAfterLongerThanBackoff_WaitsRetryAfter()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), RetryBackoff.Delay(1, Routing, TimeSpan.FromSeconds(2), new Random(1)));
    }

    [Fact]
    public void Delay_RetryAfterOverMaximum_IsNull()
    {
        Assert.Null(RetryBackoff.Delay(1, Routing, TimeSpan.FromSeconds(6), new Random(1)));
    }
}
