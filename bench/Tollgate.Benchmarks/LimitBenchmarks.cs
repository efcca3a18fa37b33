using BenchmarkDotNet.Attributes;
using Tollgate.Accounts;
using Tollgate.Core.Limits;
using Tollgate.Core.Pricing;

namespace Tollgate.Benchmarks;

/// <summary>What limits and reservations add to every request: admission plus settlement, and the prompt estimate.</summary>
[MemoryDiagnoser]
public class LimitBenchmarks
{
    private static readonly BudgetSpec Budget = new(long.MaxValue / 2, BudgetPeriod.Monthly);
    private readonly LimitAdmission _admission = new(new InMemoryLimitCounters(TimeProvider.System));
    private readonly ReservationCalculator _calculator = new();
    private readonly ModelPrice _price = PriceCatalog.Default.Find(new PriceQuery("openai", "gpt-4o", new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)))!;
    private readonly LimitScope _keyFree = new(LimitScopeKind.Key, "key_free", LimitSpec.None);
    private readonly LimitScope _teamFree = new(LimitScopeKind.Team, "team_free", LimitSpec.None);
    private readonly LimitScope _modelFree = new(LimitScopeKind.Model, "gpt-4o", LimitSpec.None);

    // Limits high enough never to refuse: the cost measured is the bookkeeping.
    private readonly LimitScope _key = new(LimitScopeKind.Key, "key_a", new LimitSpec { RequestsPerMinute = 1_000_000_000, TokensPerMinute = 10_000_000_000, MaxParallel = 1_000 }, Budget);
    private readonly LimitScope _user = new(LimitScopeKind.User, "user_a", new LimitSpec { RequestsPerMinute = 1_000_000_000 }, Budget);
    private readonly LimitScope _team = new(LimitScopeKind.Team, "team_a", new LimitSpec { TokensPerMinute = 10_000_000_000 }, Budget);
    private readonly LimitScope _model = new(LimitScopeKind.Model, "gpt-4o", new LimitSpec { MaxParallel = 1_000 });

    /// <summary>No scope has limits or budgets: the fast path.</summary>
    [Benchmark(Baseline = true)]
    public bool AdmitAndSettleUnlimited()
    {
        var result = _admission.TryAdmit(new AdmissionRequest([_keyFree, _teamFree, _modelFree], 1_024, 10_000));
        return result.Ticket!.Settle(800, 9_000);
    }

    /// <summary>Key, user, team and model all limited, three with budgets.</summary>
    [Benchmark]
    public bool AdmitAndSettleFourScopes()
    {
        var result = _admission.TryAdmit(new AdmissionRequest([_key, _user, _team, _model], 1_024, 10_000));
        return result.Ticket!.Settle(800, 9_000);
    }

    /// <summary>The reservation of the bench chat request (o200k_base tokenizer, catalog price).</summary>
    [Benchmark]
    public long ReserveChatBody() => _calculator.ForOpenAIChat(Payloads.ChatRequest, "gpt-4o", _price).TotalTokens;

    /// <summary>The same body with the conservative rule (a model without a known tokenizer).</summary>
    [Benchmark]
    public long ReserveChatBodyConservative() => _calculator.ForOpenAIChat(Payloads.ChatRequest, "claude-sonnet-4-5", _price).TotalTokens;
}
