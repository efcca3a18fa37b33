using Microsoft.Extensions.Time.Testing;
using Tollgate.Accounts;
using Tollgate.Core.Limits;

namespace Tollgate.Core.Tests.Limits;

public sealed class LimitConcurrencyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TryAdmit_ManyThreadsAgainstOneLimit_NeverAdmitMoreThanAllowed()
    {
        var time = new FakeTimeProvider(Start); // frozen: no refill, so exactly the capacity may pass
        var admission = new LimitAdmission(new InMemoryLimitCounters(time));
        var team = new LimitScope(LimitScopeKind.Team, "team_a", new LimitSpec { RequestsPerMinute = 500, TokensPerMinute = 1_000_000 });
        var admitted = 0;

        await Parallel.ForAsync(0, 16, async (worker, _) =>
        {
            await Task.Yield();
            var key = new LimitScope(LimitScopeKind.Key, "key_" + worker, new LimitSpec { RequestsPerMinute = 10_000 });
            for (var i = 0; i < 200; i++)
            {
                var result = admission.TryAdmit(new AdmissionRequest([key, team], 1_000, null));
                if (result.IsAdmitted)
                {
                    Interlocked.Increment(ref admitted);
                    result.Ticket!.Settle(1_000, null);
                }
            }
        }).WaitAsync(Deadline);

        Assert.Equal(500, admitted);
    }

    [Fact]
    public async Task TryAdmit_ManyThreadsAgainstOneParallelLimit_NeverExceedIt()
    {
        var admission = new LimitAdmission(new InMemoryLimitCounters(new FakeTimeProvider(Start)));
        var model = new LimitScope(LimitScopeKind.Model, "gpt-4o", new LimitSpec { MaxParallel = 4 });
        var inFlight = 0;
        var peak = 0;
        var admitted = 0;

        await Parallel.ForAsync(0, 16, async (worker, _) =>
        {
            await Task.Yield();
            for (var i = 0; i < 2_000; i++)
            {
                var result = admission.TryAdmit(new AdmissionRequest([model], 0, null));
                if (!result.IsAdmitted)
                {
                    continue;
                }

                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                Interlocked.Increment(ref admitted);
                Thread.SpinWait(50);
                Interlocked.Decrement(ref inFlight);
                result.Ticket!.Settle(0, null);
            }
        }).WaitAsync(Deadline);

        Assert.InRange(peak, 1, 4);
        Assert.True(admitted > 0);
    }

    /// <summary>
    /// docs/limits.md: settled spend &lt;= budget + the sum of (actual - reserved)+ over the calls in flight at the
    /// last admission, so with at most P in flight and each call at most E over its reservation, spend &lt;= B + P x E.
    /// </summary>
    [Theory]
    [InlineData(0L)] // calls never cost more than reserved: never a nano-dollar over
    [InlineData(300L)] // calls may cost up to 300 more than reserved
    public async Task Settle_ManyThreadsAgainstOneBudget_OverspendStaysWithinTheBound(long maxExcess)
    {
        const long Budget = 1_000_000;
        const int MaxParallel = 8;
        var counters = new InMemoryLimitCounters(new FakeTimeProvider(Start));
        var admission = new LimitAdmission(counters);
        var team = new LimitScope(LimitScopeKind.Team, "team_a", new LimitSpec { MaxParallel = MaxParallel }, new BudgetSpec(Budget, BudgetPeriod.Monthly));
        var settledTotal = 0L;
        var admitted = 0;

        await Parallel.ForAsync(0, 16, async (worker, _) =>
        {
            await Task.Yield();
            var random = new Random(worker);
            var key = new LimitScope(LimitScopeKind.Key, "key_" + worker, LimitSpec.None, new BudgetSpec(Budget, BudgetPeriod.Monthly));
            for (var i = 0; i < 2_000; i++)
            {
                var reserved = random.Next(100, 2_000);
                var result = admission.TryAdmit(new AdmissionRequest([key, team], 10, reserved));
                if (!result.IsAdmitted)
                {
                    continue;
                }

                Interlocked.Increment(ref admitted);
                var actual = reserved - random.Next(0, 100) + (maxExcess == 0 ? 0 : random.NextInt64(0, maxExcess + 1));
                actual = Math.Max(0, actual);
                Interlocked.Add(ref settledTotal, actual);
                result.Ticket!.Settle(10, actual);
            }
        }).WaitAsync(Deadline);

        var status = counters.GetStatus(LimitScopeKind.Team, "team_a")!.Value;
        Assert.Equal(settledTotal, status.SpentNanoDollars);
        Assert.Equal(0, status.ReservedNanoDollars);
        Assert.InRange(status.SpentNanoDollars, Budget - 2_000, Budget + (MaxParallel * maxExcess)); // nearly all used, never past the bound
        Assert.True(admitted > 500);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
