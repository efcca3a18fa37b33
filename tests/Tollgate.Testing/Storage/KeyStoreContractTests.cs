using Tollgate.Accounts;
using Xunit;

namespace Tollgate.Testing.Storage;

/// <summary>The rules every <see cref="IKeyStore"/> keeps. A store's test project inherits this and supplies fresh, empty stores.</summary>
public abstract class KeyStoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Fresh, empty stores sharing one database.</summary>
    protected abstract Task<AccountStores> CreateStoresAsync();

    public static VirtualKeyRecord NewKey(string id, string? team = null, string? user = null) => new()
    {
        Id = id,
        Name = "name-" + id,
        SecretHash = "hash-" + id,
        DisplayPrefix = "sk-tg-" + id[..Math.Min(4, id.Length)],
        TeamId = team,
        UserId = user,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    [Fact]
    public async Task InsertKey_EveryField_RoundTrips()
    {
        var stores = await CreateStoresAsync();
        await stores.Teams.InsertTeamAsync(new TeamRecord { Id = "team_a", Name = "a", CreatedAt = T0, UpdatedAt = T0 }, CancellationToken.None).WaitAsync(Timeout);
        await stores.Teams.InsertUserAsync(new UserRecord { Id = "user_a", Name = "ann", TeamId = "team_a", CreatedAt = T0, UpdatedAt = T0 }, CancellationToken.None).WaitAsync(Timeout);
        var key = NewKey("key_full", "team_a", "user_a") with
        {
            PreviousSecretHash = "old-hash",
            PreviousSecretExpiresAt = T0.AddHours(1),
            Role = KeyRole.TeamAdmin,
            Models = ["gpt-4o", "claude-sonnet-4-5"],
            Budget = new BudgetSpec(50_000_000_000, BudgetPeriod.Weekly),
            Limits = new LimitSpec { RequestsPerMinute = 60, TokensPerMinute = 100_000, MaxParallel = 4 },
            ExpiresAt = T0.AddDays(30),
            RevokedAt = T0.AddDays(1),
            Metadata = new Dictionary<string, string> { ["owner"] = "ann", ["cost-centre"] = "42" },
            Tags = ["prod", "app:chat"],
        };

        await stores.Keys.InsertKeyAsync(key, CancellationToken.None).WaitAsync(Timeout);
        var stored = Assert.Single(await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout));

        AssertSame(key, stored);
    }

    [Fact]
    public async Task InsertKey_MinimalFields_ReadsBackDefaults()
    {
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertKeyAsync(NewKey("key_min"), CancellationToken.None).WaitAsync(Timeout);

        var stored = Assert.Single(await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout));

        AssertSame(NewKey("key_min"), stored);
        Assert.Null(stored.Budget);
        Assert.True(stored.Limits.IsEmpty);
        Assert.Empty(stored.Models);
        Assert.Empty(stored.Tags);
        Assert.Empty(stored.Metadata);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("hash")]
    [InlineData("hash-as-previous")]
    [InlineData("previous-as-hash")]
    public async Task InsertKey_Clash_ThrowsConflictAndStoresNothing(string clash)
    {
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertKeyAsync(NewKey("key_1") with { PreviousSecretHash = "prev-1" }, CancellationToken.None).WaitAsync(Timeout);
        var second = clash switch
        {
            "id" => NewKey("key_1") with { Name = "other", SecretHash = "other" },
            "name" => NewKey("key_2") with { Name = "name-key_1" },
            "hash" => NewKey("key_2") with { SecretHash = "hash-key_1" },
            "hash-as-previous" => NewKey("key_2") with { SecretHash = "prev-1" },
            _ => NewKey("key_2") with { PreviousSecretHash = "hash-key_1" },
        };

        var ex = await Assert.ThrowsAsync<StoreConflictException>(() => stores.Keys.InsertKeyAsync(second, CancellationToken.None).WaitAsync(Timeout));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        var keys = await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["key_1"], keys.Select(k => k.Id));
    }

    [Fact]
    public async Task InsertKey_NameClash_MessageNamesTheName()
    {
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertKeyAsync(NewKey("key_1"), CancellationToken.None).WaitAsync(Timeout);

        var ex = await Assert.ThrowsAsync<StoreConflictException>(
            () => stores.Keys.InsertKeyAsync(NewKey("key_2") with { Name = "name-key_1" }, CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("name-key_1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsertKey_UnknownTeam_ThrowsConflict()
    {
        var stores = await CreateStoresAsync();

        await Assert.ThrowsAsync<StoreConflictException>(
            () => stores.Keys.InsertKeyAsync(NewKey("key_1", team: "team_missing"), CancellationToken.None).WaitAsync(Timeout));

        Assert.Empty(await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task UpdateKey_Rotation_OldHashFreedAndPreviousKept()
    {
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertKeyAsync(NewKey("key_1"), CancellationToken.None).WaitAsync(Timeout);
        var rotated = NewKey("key_1") with
        {
            SecretHash = "new-hash",
            PreviousSecretHash = "hash-key_1",
            PreviousSecretExpiresAt = T0.AddMinutes(5),
            UpdatedAt = T0.AddMinutes(1),
        };

        Assert.True(await stores.Keys.UpdateKeyAsync(rotated, CancellationToken.None).WaitAsync(Timeout));
        AssertSame(rotated, Assert.Single(await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout)));

        // The previous digest still belongs to key_1; a second rotation drops it, and then another key may use it.
        await Assert.ThrowsAsync<StoreConflictException>(
            () => stores.Keys.InsertKeyAsync(NewKey("key_2") with { SecretHash = "hash-key_1" }, CancellationToken.None).WaitAsync(Timeout));
        Assert.True(await stores.Keys.UpdateKeyAsync(rotated with { PreviousSecretHash = null, PreviousSecretExpiresAt = null }, CancellationToken.None).WaitAsync(Timeout));
        await stores.Keys.InsertKeyAsync(NewKey("key_2") with { SecretHash = "hash-key_1" }, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(2, (await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout)).Count);
    }

    [Fact]
    public async Task UpdateKey_Missing_ReturnsFalse()
    {
        var stores = await CreateStoresAsync();

        Assert.False(await stores.Keys.UpdateKeyAsync(NewKey("key_none"), CancellationToken.None).WaitAsync(Timeout));
        Assert.Empty(await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task UpdateKey_NameOfAnother_ThrowsConflictAndKeepsBoth()
    {
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertKeyAsync(NewKey("key_1"), CancellationToken.None).WaitAsync(Timeout);
        await stores.Keys.InsertKeyAsync(NewKey("key_2"), CancellationToken.None).WaitAsync(Timeout);

        await Assert.ThrowsAsync<StoreConflictException>(
            () => stores.Keys.UpdateKeyAsync(NewKey("key_2") with { Name = "name-key_1" }, CancellationToken.None).WaitAsync(Timeout));

        var keys = await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["name-key_1", "name-key_2"], keys.Select(k => k.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UpdateKey_Revoke_IsStored()
    {
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertKeyAsync(NewKey("key_1"), CancellationToken.None).WaitAsync(Timeout);

        await stores.Keys.UpdateKeyAsync(NewKey("key_1") with { RevokedAt = T0.AddMinutes(3) }, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(T0.AddMinutes(3), Assert.Single(await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout)).RevokedAt);
    }

    [Fact]
    public async Task InsertKey_ManyInParallel_AllStored()
    {
        var stores = await CreateStoresAsync();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => stores.Keys.InsertKeyAsync(NewKey($"key_{i:D3}"), CancellationToken.None))).WaitAsync(Timeout);

        Assert.Equal(50, (await stores.Keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout)).Count);
    }

    /// <summary>Field-by-field equality; lists and maps by content.</summary>
    public static void AssertSame(VirtualKeyRecord expected, VirtualKeyRecord actual)
    {
        Assert.Equal(expected with { Models = [], Tags = [], Metadata = Empty }, actual with { Models = [], Tags = [], Metadata = Empty });
        Assert.Equal(expected.Models, actual.Models);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
