using Tollgate.Ledger;
using Xunit;

namespace Tollgate.Testing.Storage;

/// <summary>The rules every <see cref="IUsageLedger"/> keeps. A store's test project inherits this and supplies fresh, empty ledgers.</summary>
public abstract class UsageLedgerContractTests
{
    public static readonly DateTimeOffset Day1 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A fresh, empty ledger.</summary>
    protected abstract Task<IUsageLedger> CreateLedgerAsync();

    public static LedgerRecord Record(string id, DateTimeOffset time, string key = "key_1", string? user = null, string? team = null,
        string model = "gpt-4o", string? provider = "openai", long? cost = 1_000, int status = 200) => new()
        {
            RequestId = id,
            Time = time,
            KeyId = key,
            UserId = user,
            TeamId = team,
            Operation = "chat",
            RequestedModel = model,
            Provider = provider,
            DeploymentModel = provider is null ? null : model + "-2024",
            InputTokens = 100,
            CachedInputTokens = 40,
            CacheWriteTokens = 10,
            OutputTokens = 20,
            ReasoningTokens = 5,
            CostNanoDollars = cost,
            LatencyMs = 12.5,
            StatusCode = status,
        };

    [Fact]
    public async Task Append_EveryField_RoundTripsThroughFind()
    {
        var ledger = await CreateLedgerAsync();
        var record = Record("req_1", Day1.AddHours(3).AddMilliseconds(7), user: "user_1", team: "team_1") with
        {
            Stream = true,
            TimeToFirstTokenMs = 3.25,
            ErrorType = "rate_limit_error",
            StatusCode = 429,
            Tags = ["prod", "app:chat"],
        };

        await ledger.AppendAsync([record], CancellationToken.None).WaitAsync(Timeout);
        var found = await ledger.FindAsync("req_1", CancellationToken.None).WaitAsync(Timeout);

        Assert.NotNull(found);
        Assert.Equal(record with { Tags = [] }, found with { Tags = [] });
        Assert.Equal(["prod", "app:chat"], found.Tags);
        Assert.Null(await ledger.FindAsync("req_missing", CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Append_SameRequestIdTwice_StoresOnceKeepingTheFirst()
    {
        var ledger = await CreateLedgerAsync();
        await ledger.AppendAsync([Record("req_1", Day1, cost: 5), Record("req_2", Day1)], CancellationToken.None).WaitAsync(Timeout);

        await ledger.AppendAsync([Record("req_1", Day1, cost: 999), Record("req_3", Day1), Record("req_3", Day1)], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(3, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(5, (await ledger.FindAsync("req_1", CancellationToken.None).WaitAsync(Timeout))!.CostNanoDollars);
    }

    [Fact]
    public async Task Append_EmptyBatch_StoresNothing()
    {
        var ledger = await CreateLedgerAsync();

        await ledger.AppendAsync([], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(0, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Append_LargeBatches_AllStoredAndSummed()
    {
        var ledger = await CreateLedgerAsync();
        for (var b = 0; b < 5; b++)
        {
            var batch = Enumerable.Range(0, 5_000).Select(i => Record($"req_{b}_{i}", Day1.AddSeconds(i), cost: 3)).ToList();
            await ledger.AppendAsync(batch, CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Equal(25_000, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
        var row = Assert.Single(await ledger.QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Model }, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(75_000, row.CostNanoDollars);
        Assert.Equal(2_500_000, row.InputTokens);
    }

    [Fact]
    public async Task QuerySpend_UnpricedRecords_CountZeroCost()
    {
        var ledger = await CreateLedgerAsync();
        await ledger.AppendAsync([Record("req_1", Day1, cost: null), Record("req_2", Day1, cost: 7), Record("req_3", Day1, model: "free", cost: null)], CancellationToken.None).WaitAsync(Timeout);

        var rows = await ledger.QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Model }, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal([("free", 1L, 0L), ("gpt-4o", 2L, 7L)], rows.Select(r => (r.Group, r.Requests, r.CostNanoDollars)));
    }

    public static TheoryData<SpendGrouping, string[]> Groupings => new()
    {
        { SpendGrouping.Key, ["key_1", "key_2"] },
        { SpendGrouping.User, ["", "user_1", "user_2"] },
        { SpendGrouping.Team, ["", "team_1", "team_2"] },
        { SpendGrouping.Model, ["claude", "gpt-4o"] },
        { SpendGrouping.Provider, ["", "anthropic", "openai"] },
        { SpendGrouping.Day, ["2026-11-23", "2026-11-24", "2026-11-25"] },
    };

    [Theory]
    [MemberData(nameof(Groupings))]
    public async Task QuerySpend_EachGrouping_SumsEveryRecordOnce(SpendGrouping grouping, string[] groups)
    {
        var ledger = await CreateLedgerAsync();
        await ledger.AppendAsync(SampleRecords(), CancellationToken.None).WaitAsync(Timeout);

        var rows = await ledger.QuerySpendAsync(new SpendQuery { GroupBy = grouping }, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(groups, rows.Select(r => r.Group));
        Assert.Equal(6, rows.Sum(r => r.Requests));
        Assert.Equal(2, rows.Sum(r => r.Errors));
        Assert.Equal(600, rows.Sum(r => r.InputTokens));
        Assert.Equal(240, rows.Sum(r => r.CachedInputTokens));
        Assert.Equal(60, rows.Sum(r => r.CacheWriteTokens));
        Assert.Equal(120, rows.Sum(r => r.OutputTokens));
        Assert.Equal(30, rows.Sum(r => r.ReasoningTokens));
        Assert.Equal(1 + 2 + 4 + 8 + 16 + 32, rows.Sum(r => r.CostNanoDollars));
    }

    [Fact]
    public async Task QuerySpend_FromToAndFilters_SelectTheRightRecords()
    {
        var ledger = await CreateLedgerAsync();
        await ledger.AppendAsync(SampleRecords(), CancellationToken.None).WaitAsync(Timeout);

        async Task<long> Cost(SpendQuery q) => (await ledger.QuerySpendAsync(q, CancellationToken.None).WaitAsync(Timeout)).Sum(r => r.CostNanoDollars);

        // From is inclusive, To exclusive.
        Assert.Equal(2 + 4 + 8, await Cost(new SpendQuery { GroupBy = SpendGrouping.Day, From = Day1.AddHours(12), To = Day1.AddDays(2) }));
        Assert.Equal(1 + 2 + 4 + 8, await Cost(new SpendQuery { GroupBy = SpendGrouping.Key, To = Day1.AddDays(2) }));
        Assert.Equal(16 + 32, await Cost(new SpendQuery { GroupBy = SpendGrouping.Model, From = Day1.AddDays(2) }));
        Assert.Equal(1 + 2 + 4, await Cost(new SpendQuery { GroupBy = SpendGrouping.Model, TeamId = "team_1" }));
        Assert.Equal(2 + 4, await Cost(new SpendQuery { GroupBy = SpendGrouping.Model, TeamId = "team_1", From = Day1.AddHours(12) }));
        Assert.Equal(8 + 16, await Cost(new SpendQuery { GroupBy = SpendGrouping.Team, KeyId = "key_2" }));
        Assert.Equal(1 + 8, await Cost(new SpendQuery { GroupBy = SpendGrouping.Provider, UserId = "user_1" }));
        Assert.Equal(8, await Cost(new SpendQuery { GroupBy = SpendGrouping.Day, UserId = "user_1", KeyId = "key_2", To = Day1.AddDays(3) }));
        Assert.Empty(await ledger.QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Key, TeamId = "team_none" }, CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task QuerySpend_OneGroup_SumsTokensByKindAndErrors()
    {
        var ledger = await CreateLedgerAsync();
        await ledger.AppendAsync(SampleRecords(), CancellationToken.None).WaitAsync(Timeout);

        var rows = await ledger.QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Team }, CancellationToken.None).WaitAsync(Timeout);

        var team1 = Assert.Single(rows, r => r.Group == "team_1");
        Assert.Equal(new SpendRow
        {
            Group = "team_1",
            Requests = 3,
            Errors = 1,
            InputTokens = 300,
            CachedInputTokens = 120,
            CacheWriteTokens = 30,
            OutputTokens = 60,
            ReasoningTokens = 15,
            CostNanoDollars = 7,
        }, team1);
    }

    /// <summary>Six records over three UTC days; costs are powers of two so every subset sums uniquely.</summary>
    public static List<LedgerRecord> SampleRecords() =>
    [
        Record("r1", Day1.AddHours(1), key: "key_1", user: "user_1", team: "team_1", cost: 1),
        Record("r2", Day1.AddHours(23).AddMinutes(59).AddSeconds(59), key: "key_1", team: "team_1", cost: 2, status: 500),
        Record("r3", Day1.AddDays(1), key: "key_1", user: "user_2", team: "team_1", model: "claude", provider: "anthropic", cost: 4),
        Record("r4", Day1.AddDays(1).AddHours(5), key: "key_2", user: "user_1", team: "team_2", cost: 8),
        Record("r5", Day1.AddDays(2), key: "key_2", model: "claude", provider: null, cost: 16, status: 429),
        Record("r6", Day1.AddDays(2).AddHours(1), key: "key_1", model: "claude", provider: "anthropic", cost: 32),
    ];
}
