using Microsoft.Extensions.Time.Testing;
using Tollgate.Accounts;
using Tollgate.Core.Limits;

namespace Tollgate.Core.Tests.Limits;

public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ms")] // 100 ns rounds up to a millisecond
    [InlineData(200_000L, "20ms")]
    [InlineData(9_990_000L, "999ms")]
    [InlineData(10_000_000L, "1s")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(10_200_000L, "1.02s")]
    [InlineData(600_000_000L, "1m0s")]
    [InlineData(3_600_000_000L, "6m0s")]
    [InlineData(3_605_000_000L, "6m0.5s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    [InlineData(37_230_000_000L, "1h2m3s")]
    [InlineData(-5L, "0s")]
    public void FormatDuration_WritesGoDurations(long ticks, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.FormatDuration(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(1L, 1L)]
    [InlineData(10_000_000L, 1L)]
    [InlineData(10_000_001L, 2L)]
    [InlineData(595_000_000L, 60L)]
    public void RetryAfterSeconds_RoundsUpToAtLeastOne(long ticks, long expected) =>
        Assert.Equal(expected, RateLimitHeaders.RetryAfterSeconds(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void FormatRfc3339_RoundsUpToTheSecond()
    {
        Assert.Equal("2026-11-23T12:00:00Z", RateLimitHeaders.FormatRfc3339(Start));
        Assert.Equal("2026-11-23T12:00:01Z", RateLimitHeaders.FormatRfc3339(Start.AddMilliseconds(1)));
        Assert.Equal("2026-11-23T10:00:00Z", RateLimitHeaders.FormatRfc3339(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void ForOpenAI_Refusal_CarriesLimitsRemainingResetAndRetryAfter()
    {
        var time = new FakeTimeProvider(Start);
        var admission = new LimitAdmission(new InMemoryLimitCounters(time));
        var key = new LimitScope(LimitScopeKind.Key, "key_a", new LimitSpec { RequestsPerMinute = 2, TokensPerMinute = 6_000 });

        Assert.True(admission.TryAdmit(new AdmissionRequest([key], 1_000, null)).IsAdmitted);
        Assert.True(admission.TryAdmit(new AdmissionRequest([key], 1_000, null)).IsAdmitted);
        var refused = admission.TryAdmit(new AdmissionRequest([key], 1_000, null));

        var headers = RateLimitHeaders.ForOpenAI(refused.Refusal!).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("2", headers["x-ratelimit-limit-requests"]);
        Assert.Equal("0", headers["x-ratelimit-remaining-requests"]);
        Assert.Equal("1m0s", headers["x-ratelimit-reset-requests"]); // two requests at 2 per minute: a full minute to refill
        Assert.Equal("6000", headers["x-ratelimit-limit-tokens"]);
        Assert.Equal("4000", headers["x-ratelimit-remaining-tokens"]);
        Assert.Equal("20s", headers["x-ratelimit-reset-tokens"]); // 2,000 tokens at 100 per second
        Assert.Equal("30", headers["retry-after"]); // one request refills in 30 s
        Assert.Equal(7, headers.Count);
    }

    [Fact]
    public void ForAnthropic_Ticket_WritesRfc3339Resets()
    {
        var time = new FakeTimeProvider(Start);
        var admission = new LimitAdmission(new InMemoryLimitCounters(time));
        var key = new LimitScope(LimitScopeKind.Key, "key_a", new LimitSpec { RequestsPerMinute = 60, TokensPerMinute = 6_000 });

        var ticket = admission.TryAdmit(new AdmissionRequest([key], 300, null)).Ticket!;

        var headers = RateLimitHeaders.ForAnthropic(ticket).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("60", headers["anthropic-ratelimit-requests-limit"]);
        Assert.Equal("59", headers["anthropic-ratelimit-requests-remaining"]);
        Assert.Equal("2026-11-23T12:00:01Z", headers["anthropic-ratelimit-requests-reset"]);
        Assert.Equal("6000", headers["anthropic-ratelimit-tokens-limit"]);
        Assert.Equal("5700", headers["anthropic-ratelimit-tokens-remaining"]);
        Assert.Equal("2026-11-23T12:00:03Z", headers["anthropic-ratelimit-tokens-reset"]);
        Assert.False(headers.ContainsKey("retry-after"));
    }

    [Fact]
    public void ForOpenAI_BudgetRefusal_RetriesAtThePeriodResetAndTotalBudgetsHaveNone()
    {
        var time = new FakeTimeProvider(Start);
        var admission = new LimitAdmission(new InMemoryLimitCounters(time));
        var daily = new LimitScope(LimitScopeKind.Team, "team_a", LimitSpec.None, new BudgetSpec(1_000, BudgetPeriod.Daily));
        var total = new LimitScope(LimitScopeKind.User, "user_a", LimitSpec.None, new BudgetSpec(1_000, BudgetPeriod.Total));

        var dailyRefusal = admission.TryAdmit(new AdmissionRequest([daily], 10, 2_000)).Refusal!;
        var totalRefusal = admission.TryAdmit(new AdmissionRequest([total], 10, 2_000)).Refusal!;

        Assert.Equal([new("retry-after", "43200")], RateLimitHeaders.ForOpenAI(dailyRefusal)); // 12 hours to midnight UTC
        Assert.Empty(RateLimitHeaders.ForOpenAI(totalRefusal));
        Assert.Null(totalRefusal.RetryAfter);
    }

    [Fact]
    public void ForOpenAI_UnlimitedTicket_HasNoHeaders() =>
        Assert.Empty(RateLimitHeaders.ForOpenAI(AdmissionResult.Unlimited.Ticket!));
}
