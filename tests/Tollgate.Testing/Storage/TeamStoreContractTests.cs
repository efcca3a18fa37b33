using Tollgate.Accounts;
using Xunit;

namespace Tollgate.Testing.Storage;

/// <summary>The rules every <see cref="ITeamStore"/> keeps. A store's test project inherits this and supplies fresh, empty stores.</summary>
public abstract class TeamStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, 456, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<ITeamStore> CreateStoreAsync();

    private static TeamRecord Team(string id) => new() { Id = id, Name = "team-" + id, CreatedAt = T0, UpdatedAt = T0 };

    private static UserRecord User(string id, string? team = null) => new() { Id = id, Name = id + "@example.com", TeamId = team, CreatedAt = T0, UpdatedAt = T0 };

    [Fact]
    public async Task InsertTeam_EveryField_RoundTrips()
    {
        var store = await CreateStoreAsync();
        var team = Team("team_1") with
        {
            Budget = new BudgetSpec(1_500_000_000, BudgetPeriod.Monthly),
            Limits = new LimitSpec { RequestsPerMinute = 600, MaxParallel = 20 },
            Models = ["gpt-4o-mini"],
            Metadata = new Dictionary<string, string> { ["dept"] = "research" },
            BlockedAt = T0.AddHours(2),
        };

        await store.InsertTeamAsync(team, CancellationToken.None).WaitAsync(Timeout);
        var stored = Assert.Single(await store.ListTeamsAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(team with { Models = [], Metadata = Empty }, stored with { Models = [], Metadata = Empty });
        Assert.Equal(["gpt-4o-mini"], stored.Models);
        Assert.Equal("research", stored.Metadata["dept"]);
    }

    [Fact]
    public async Task InsertTeam_IdOrNameTaken_ThrowsConflict()
    {
        var store = await CreateStoreAsync();
        await store.InsertTeamAsync(Team("team_1"), CancellationToken.None).WaitAsync(Timeout);

        await Assert.ThrowsAsync<StoreConflictException>(() => store.InsertTeamAsync(Team("team_1") with { Name = "x" }, CancellationToken.None).WaitAsync(Timeout));
        var ex = await Assert.ThrowsAsync<StoreConflictException>(() => store.InsertTeamAsync(Team("team_2") with { Name = "team-team_1" }, CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("team-team_1", ex.Message, StringComparison.Ordinal);
        Assert.Single(await store.ListTeamsAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task UpdateTeam_ExistingAndMissing()
    {
        var store = await CreateStoreAsync();
        await store.InsertTeamAsync(Team("team_1"), CancellationToken.None).WaitAsync(Timeout);

        Assert.True(await store.UpdateTeamAsync(Team("team_1") with { Name = "renamed", Budget = new BudgetSpec(7, BudgetPeriod.Daily) }, CancellationToken.None).WaitAsync(Timeout));
        Assert.False(await store.UpdateTeamAsync(Team("team_9"), CancellationToken.None).WaitAsync(Timeout));

        var stored = Assert.Single(await store.ListTeamsAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal("renamed", stored.Name);
        Assert.Equal(new BudgetSpec(7, BudgetPeriod.Daily), stored.Budget);
    }

    [Fact]
    public async Task InsertUser_RoundTripsAndClashes()
    {
        var store = await CreateStoreAsync();
        await store.InsertTeamAsync(Team("team_1"), CancellationToken.None).WaitAsync(Timeout);
        var user = User("user_1", "team_1") with
        {
            Budget = new BudgetSpec(3, BudgetPeriod.Total),
            Limits = new LimitSpec { TokensPerMinute = 5_000 },
            Models = ["a", "b"],
        };

        await store.InsertUserAsync(user, CancellationToken.None).WaitAsync(Timeout);
        await Assert.ThrowsAsync<StoreConflictException>(() => store.InsertUserAsync(User("user_2") with { Name = user.Name }, CancellationToken.None).WaitAsync(Timeout));
        await Assert.ThrowsAsync<StoreConflictException>(() => store.InsertUserAsync(User("user_1") with { Name = "other" }, CancellationToken.None).WaitAsync(Timeout));
        await Assert.ThrowsAsync<StoreConflictException>(() => store.InsertUserAsync(User("user_3", "team_missing"), CancellationToken.None).WaitAsync(Timeout));

        var stored = Assert.Single(await store.ListUsersAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(user with { Models = [], Metadata = Empty }, stored with { Models = [], Metadata = Empty });
        Assert.Equal(["a", "b"], stored.Models);
    }

    [Fact]
    public async Task UpdateUser_ExistingAndMissing()
    {
        var store = await CreateStoreAsync();
        await store.InsertUserAsync(User("user_1"), CancellationToken.None).WaitAsync(Timeout);

        Assert.True(await store.UpdateUserAsync(User("user_1") with { BlockedAt = T0 }, CancellationToken.None).WaitAsync(Timeout));
        Assert.False(await store.UpdateUserAsync(User("user_2"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(T0, Assert.Single(await store.ListUsersAsync(CancellationToken.None).WaitAsync(Timeout)).BlockedAt);
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
