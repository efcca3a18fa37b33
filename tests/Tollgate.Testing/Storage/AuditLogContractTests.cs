using Tollgate.Accounts;
using Xunit;

namespace Tollgate.Testing.Storage;

/// <summary>The rules every <see cref="IAuditLog"/> keeps. A store's test project inherits this and supplies fresh, empty logs.</summary>
public abstract class AuditLogContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A fresh, empty log.</summary>
    protected abstract Task<IAuditLog> CreateLogAsync();

    private static AuditEntry Entry(string id, int minute, string? actorTeam = null, string? targetTeam = null, string? target = null) => new()
    {
        Id = id,
        Time = T0.AddMinutes(minute),
        ActorKeyId = "master",
        ActorTeamId = actorTeam,
        Action = "key.create",
        TargetType = "key",
        TargetId = target,
        TargetTeamId = targetTeam,
        Status = 201,
    };

    [Fact]
    public async Task Append_EveryField_RoundTrips()
    {
        var log = await CreateLogAsync();
        var entry = Entry("aud_1", 0, "team_a", "team_b", "key_1") with
        {
            Details = """{"name":"ci"}""",
            RemoteAddress = "127.0.0.1",
            UserAgent = "tollgate-cli/0.1",
            Status = 403,
        };

        await log.AppendAsync(entry, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(entry, Assert.Single(await log.QueryAsync(new AuditQuery(), CancellationToken.None).WaitAsync(Timeout)));
    }

    [Fact]
    public async Task Append_SameId_ThrowsConflict()
    {
        var log = await CreateLogAsync();
        await log.AppendAsync(Entry("aud_1", 0), CancellationToken.None).WaitAsync(Timeout);

        await Assert.ThrowsAsync<StoreConflictException>(() => log.AppendAsync(Entry("aud_1", 1), CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Query_Filters_NewestFirstWithinLimit()
    {
        var log = await CreateLogAsync();
        await log.AppendAsync(Entry("aud_1", 1, actorTeam: "team_a"), CancellationToken.None).WaitAsync(Timeout);
        await log.AppendAsync(Entry("aud_2", 2, targetTeam: "team_a", target: "key_9"), CancellationToken.None).WaitAsync(Timeout);
        await log.AppendAsync(Entry("aud_3", 3, actorTeam: "team_b", target: "key_9"), CancellationToken.None).WaitAsync(Timeout);
        await log.AppendAsync(Entry("aud_4", 4), CancellationToken.None).WaitAsync(Timeout);

        async Task<string[]> Ids(AuditQuery q) => [.. (await log.QueryAsync(q, CancellationToken.None).WaitAsync(Timeout)).Select(e => e.Id)];

        Assert.Equal(["aud_4", "aud_3", "aud_2", "aud_1"], await Ids(new AuditQuery()));
        Assert.Equal(["aud_2", "aud_1"], await Ids(new AuditQuery { TeamId = "team_a" }));
        Assert.Equal(["aud_3", "aud_2"], await Ids(new AuditQuery { TargetId = "key_9" }));
        Assert.Equal(["aud_3", "aud_2"], await Ids(new AuditQuery { From = T0.AddMinutes(2), To = T0.AddMinutes(4) }));
        Assert.Equal(["aud_4", "aud_3"], await Ids(new AuditQuery { Limit = 2 }));
        Assert.Empty(await Ids(new AuditQuery { Limit = 0 }));
    }
}
