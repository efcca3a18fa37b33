using Microsoft.Extensions.Time.Testing;
using Tollgate.Accounts;
using Tollgate.Core.Limits;

namespace Tollgate.Core.Tests.Limits;

public sealed class LimitAdmissionTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryLimitCounters _counters;
    private readonly LimitAdmission _admission;

    public LimitAdmissionTests()
    {
        _counters = new InMemoryLimitCounters(_time);
        _admission = new LimitAdmission(_counters);
    }

    private static LimitScope Key(LimitSpec limits, BudgetSpec? budget = null) => new(LimitScopeKind.Key, "key_a", limits, budget);

    private AdmissionResult Admit(LimitScope scope, long tokens = 0, long? cost = null) => _admission.TryAdmit(new AdmissionRequest([scope], tokens, cost));

    [Fact]
    public void TryAdmit_RequestsPerMinute_AdmitsTheBurstThenRefillsContinuously()
    {
        var key = Key(new LimitSpec { RequestsPerMinute = 60 });
        for (var i = 0; i < 60; i++)
        {
            Assert.True(Admit(key).IsAdmitted, $"request {i}");
        }

        var refused = Admit(key).Refusal!;
        Assert.Equal(LimitKind.Requests, refused.Limit);
        Assert.Equal(LimitScopeKind.Key, refused.ScopeKind);
        Assert.Equal("key_a", refused.ScopeId);
        Assert.Equal(60, refused.LimitValue);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(Start.AddMinutes(1), refused.ResetsAt);

        // 60 per minute refills one per second, continuously: not at 999 ms, yes at 1 s; 10 s give 10 more.
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(Admit(key).IsAdmitted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Admit(key).IsAdmitted);
        Assert.False(Admit(key).IsAdmitted);
        _time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(Admit(key).IsAdmitted);
        }

        Assert.False(Admit(key).IsAdmitted);
    }

    [Fact]
    public void TryAdmit_BucketNeverRefillsAboveItsCapacity()
    {
        var key = Key(new LimitSpec { RequestsPerMinute = 5 });
        Assert.True(Admit(key).IsAdmitted);
        _time.Advance(TimeSpan.FromHours(3));

        var admitted = Enumerable.Range(0, 10).Count(_ => Admit(key).IsAdmitted);

        Assert.Equal(5, admitted);
    }

    [Fact]
    public void Settle_FewerTokensThanReserved_RefundsTheDifference()
    {
        var key = Key(new LimitSpec { TokensPerMinute = 1_000 });
        var ticket = Admit(key, tokens: 800).Ticket!;
        Assert.Equal(200, ticket.Tokens!.Value.Remaining);
        Assert.False(Admit(key, tokens: 300).IsAdmitted);

        Assert.True(ticket.Settle(100, null));

        Assert.True(Admit(key, tokens: 900).IsAdmitted);
    }

    [Fact]
    public void Settle_MoreTokensThanReserved_ChargesTheExtraAndDelaysTheNextAdmission()
    {
        var key = Key(new LimitSpec { TokensPerMinute = 6_000 }); // 100 tokens per second
        var ticket = Admit(key, tokens: 1_000).Ticket!;

        ticket.Settle(8_000, null); // 7,000 over: the bucket is at -2,000

        var refused = Admit(key, tokens: 100).Refusal!;
        Assert.Equal(LimitKind.Tokens, refused.Limit);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(21), refused.RetryAfter); // 2,100 tokens at 100 per second
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(Admit(key, tokens: 100).IsAdmitted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Admit(key, tokens: 100).IsAdmitted);
    }

    [Fact]
    public void TryAdmit_RequestLargerThanTheTokenLimit_WaitsForAFullBucketInsteadOfFailingForever()
    {
        var key = Key(new LimitSpec { TokensPerMinute = 1_000 });
        Assert.True(Admit(key, tokens: 5_000).IsAdmitted); // full bucket: admitted, 4,000 in debt

        var refused = Admit(key, tokens: 5_000).Refusal!;
        Assert.Equal(TimeSpan.FromMinutes(5), refused.RetryAfter); // from -4,000 back to the full 1,000
    }

    [Fact]
    public void Settle_FreesTheParallelSlot()
    {
        var key = Key(new LimitSpec { MaxParallel = 2 });
        var first = Admit(key).Ticket!;
        Assert.True(Admit(key).IsAdmitted);

        var refused = Admit(key).Refusal!;
        Assert.Equal(LimitKind.Parallel, refused.Limit);
        Assert.Equal(2, refused.LimitValue);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Null(refused.ResetsAt);

        first.Settle(0, null);
        Assert.True(Admit(key).IsAdmitted);
    }

    [Fact]
    public void Settle_Twice_OnlyTheFirstCounts()
    {
        var key = Key(new LimitSpec { MaxParallel = 1 });
        var ticket = Admit(key).Ticket!;

        Assert.True(ticket.Settle(0, null));
        Assert.False(ticket.Settle(0, null));
        ticket.Dispose();

        // A double release would have let two calls in at once.
        Assert.True(Admit(key).IsAdmitted);
        Assert.False(Admit(key).IsAdmitted);
    }

    [Fact]
    public void Dispose_UnsettledTicket_SettlesWithZeros()
    {
        var key = Key(new LimitSpec { MaxParallel = 1, TokensPerMinute = 1_000 });
        using (Admit(key, tokens: 1_000).Ticket)
        {
            Assert.False(Admit(key).IsAdmitted);
        }

        Assert.True(Admit(key, tokens: 1_000).IsAdmitted);
    }

    [Fact]
    public void TryAdmit_TightestScopeWins_WhicheverScopeItIs()
    {
        var key = new LimitScope(LimitScopeKind.Key, "key_a", new LimitSpec { RequestsPerMinute = 100 });
        var user = new LimitScope(LimitScopeKind.User, "user_a", new LimitSpec { TokensPerMinute = 100_000 });
        var team = new LimitScope(LimitScopeKind.Team, "team_a", new LimitSpec { RequestsPerMinute = 2 });
        var model = new LimitScope(LimitScopeKind.Model, "gpt-4o", new LimitSpec { RequestsPerMinute = 1_000 });

        Assert.True(_admission.TryAdmit(new AdmissionRequest([key, user, team, model], 10, null)).IsAdmitted);
        Assert.True(_admission.TryAdmit(new AdmissionRequest([key, user, team, model], 10, null)).IsAdmitted);
        var refused = _admission.TryAdmit(new AdmissionRequest([key, user, team, model], 10, null)).Refusal!;

        Assert.Equal(LimitScopeKind.Team, refused.ScopeKind);
        Assert.Equal("team_a", refused.ScopeId);
        Assert.Equal(LimitKind.Requests, refused.Limit);
        Assert.Contains("team 'team_a'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAdmit_TeamSharedByKeys_LimitsThemTogether()
    {
        var team = new LimitScope(LimitScopeKind.Team, "team_a", new LimitSpec { MaxParallel = 1 });
        var keyA = new LimitScope(LimitScopeKind.Key, "key_a", new LimitSpec { MaxParallel = 5 });
        var keyB = new LimitScope(LimitScopeKind.Key, "key_b", new LimitSpec { MaxParallel = 5 });

        Assert.True(_admission.TryAdmit(new AdmissionRequest([keyA, team], 0, null)).IsAdmitted);
        var refused = _admission.TryAdmit(new AdmissionRequest([keyB, team], 0, null)).Refusal!;

        Assert.Equal(LimitScopeKind.Team, refused.ScopeKind);
    }

    [Fact]
    public void TryAdmit_RefusedByALaterScope_LeavesNothingReserved()
    {
        var key = new LimitScope(LimitScopeKind.Key, "key_a", new LimitSpec { RequestsPerMinute = 2, TokensPerMinute = 1_000, MaxParallel = 1 }, new BudgetSpec(10_000, BudgetPeriod.Monthly));
        var team = new LimitScope(LimitScopeKind.Team, "team_a", LimitSpec.None, new BudgetSpec(100, BudgetPeriod.Monthly));

        var refused = _admission.TryAdmit(new AdmissionRequest([key, team], 1_000, 5_000)).Refusal!;
        Assert.Equal(LimitScopeKind.Team, refused.ScopeKind);
        Assert.Equal(LimitKind.Budget, refused.Limit);

        // Everything the key took was given back: its parallel slot, a request, all its tokens and its budget.
        Assert.Equal(0, _counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value.ReservedNanoDollars);
        var ticket = Admit(key, tokens: 1_000, cost: 10_000).Ticket!;
        Assert.Equal(1, ticket.Requests!.Value.Remaining);
        Assert.Equal(0, ticket.Tokens!.Value.Remaining);
    }

    [Fact]
    public void TryAdmit_Budget_RefusesAReservationThatWouldExceedItAndNamesIt()
    {
        var key = Key(LimitSpec.None, new BudgetSpec(1_000_000_000, BudgetPeriod.Monthly)); // $1
        var ticket = Admit(key, cost: 600_000_000).Ticket!;

        var refused = Admit(key, cost: 500_000_000).Refusal!;

        Assert.Equal(LimitKind.Budget, refused.Limit);
        Assert.Equal(BudgetPeriod.Monthly, refused.BudgetPeriod);
        Assert.Equal(1_000_000_000, refused.LimitValue);
        Assert.Equal(400_000_000, refused.Remaining);
        Assert.Equal(500_000_000, refused.Requested);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), refused.ResetsAt);
        Assert.Equal("budget_exceeded", refused.Code);
        Assert.Contains("$1.00 monthly budget, $0.40 left", refused.Message, StringComparison.Ordinal);

        // Settling below the reservation frees the rest.
        ticket.Settle(0, 100_000_000);
        Assert.True(Admit(key, cost: 500_000_000).IsAdmitted);
        Assert.Equal(100_000_000, _counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value.SpentNanoDollars);
    }

    [Fact]
    public void TryAdmit_ExhaustedBudget_RefusesEvenUnpricedCalls()
    {
        var key = Key(LimitSpec.None, new BudgetSpec(1_000, BudgetPeriod.Total));
        Admit(key, cost: 1_000).Ticket!.Settle(0, 1_000);

        var refused = Admit(key, cost: null).Refusal!;

        Assert.Equal(LimitKind.Budget, refused.Limit);
        Assert.Null(refused.RetryAfter);
        Assert.Null(refused.ResetsAt);
    }

    [Fact]
    public void Budget_PeriodRollsOver_SpendRestartsAndOldReservationsDoNotLeak()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero));
        var key = Key(LimitSpec.None, new BudgetSpec(1_000, BudgetPeriod.Daily));
        Admit(key, cost: 400).Ticket!.Settle(0, 400);
        var inFlight = Admit(key, cost: 500).Ticket!;
        Assert.False(Admit(key, cost: 200).IsAdmitted);

        _time.Advance(TimeSpan.FromMinutes(1)); // midnight UTC: a new day

        var status = _counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value;
        Assert.Equal(0, status.SpentNanoDollars);
        Assert.Equal(0, status.ReservedNanoDollars);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), status.PeriodStart);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), status.ResetsAt);

        var fresh = Admit(key, cost: 600).Ticket!;
        inFlight.Settle(0, 450); // belongs to yesterday: neither today's spend nor today's reservations change
        status = _counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value;
        Assert.Equal(0, status.SpentNanoDollars);
        Assert.Equal(600, status.ReservedNanoDollars);
        Assert.Equal(400, status.RemainingNanoDollars);

        fresh.Settle(0, 600);
        Assert.Equal(600, _counters.GetStatus(LimitScopeKind.Key, "key_a")!.Value.SpentNanoDollars);
    }

    [Fact]
    public void SetBudget_ReportsTheBudgetBeforeTheFirstRequestAndRemovesIt()
    {
        Assert.Null(_counters.GetStatus(LimitScopeKind.Team, "team_a"));

        _counters.SetBudget(LimitScopeKind.Team, "team_a", new BudgetSpec(5_000, BudgetPeriod.Weekly));
        var status = _counters.GetStatus(LimitScopeKind.Team, "team_a")!.Value;
        Assert.Equal(5_000, status.RemainingNanoDollars);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), status.PeriodStart); // a Monday

        _counters.SetBudget(LimitScopeKind.Team, "team_a", null);
        Assert.Null(_counters.GetStatus(LimitScopeKind.Team, "team_a"));
    }

    [Fact]
    public void TryAdmit_LimitChanged_TakesEffectAtOnce()
    {
        var ten = Key(new LimitSpec { RequestsPerMinute = 10 });
        for (var i = 0; i < 8; i++)
        {
            Assert.True(Admit(ten).IsAdmitted);
        }

        // Lowered to 1: the two left are capped to one.
        Assert.True(Admit(Key(new LimitSpec { RequestsPerMinute = 1 })).IsAdmitted);
        Assert.False(Admit(Key(new LimitSpec { RequestsPerMinute = 1 })).IsAdmitted);

        // Removed: nothing to enforce.
        Assert.True(Admit(Key(LimitSpec.None)).IsAdmitted);
    }

    [Fact]
    public void TryAdmit_ZeroLimit_BlocksWithoutRetryAfter()
    {
        var refused = Admit(Key(new LimitSpec { RequestsPerMinute = 0 })).Refusal!;

        Assert.Equal(LimitKind.Requests, refused.Limit);
        Assert.Null(refused.RetryAfter);
    }

    [Fact]
    public void TryAdmit_NothingToEnforce_SharesOneTicketAndAllocatesNothing()
    {
        var key = new LimitScope(LimitScopeKind.Key, "key_a", LimitSpec.None);
        var team = new LimitScope(LimitScopeKind.Team, "team_a", LimitSpec.None);
        var model = new LimitScope(LimitScopeKind.Model, "gpt-4o", LimitSpec.None);
        Run(key, team, model); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Run(key, team, model);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Same(AdmissionResult.Unlimited.Ticket, _admission.TryAdmit(new AdmissionRequest([key, team, model], 100, 100)).Ticket);

        void Run(LimitScope key, LimitScope team, LimitScope model)
        {
            var result = _admission.TryAdmit(new AdmissionRequest([key, team, model], 500, 1_000));
            Assert.True(result.IsAdmitted);
            result.Ticket!.Settle(400, 900);
        }
    }
}
