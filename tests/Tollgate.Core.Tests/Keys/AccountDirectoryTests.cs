using Tollgate.Core.Keys;

namespace Tollgate.Core.Tests.Keys;

public sealed class AccountDirectoryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RefreshAsync_LoadsStores_LookupsByIdNameAndHash()
    {
        var f = new AccountFixtures();
        var team = AccountFixtures.NewTeam("red");
        var user = AccountFixtures.NewUser("ann", team.Id);
        var (key, secret) = AccountFixtures.NewKey("ci", team.Id, user.Id);
        await f.Teams.InsertTeamAsync(team, CancellationToken.None).WaitAsync(Timeout);
        await f.Teams.InsertUserAsync(user, CancellationToken.None).WaitAsync(Timeout);
        await f.Keys.InsertKeyAsync(key, CancellationToken.None).WaitAsync(Timeout);
        Assert.Null(f.Directory.Current.FindKey("ci"));

        await f.Directory.RefreshAsync(CancellationToken.None).WaitAsync(Timeout);

        var accounts = f.Directory.Current;
        Assert.Same(key, accounts.FindKey("ci"));
        Assert.Same(key, accounts.FindKey(key.Id));
        Assert.Same(key, accounts.FindKeyByHash(VirtualKeyGenerator.HashSecret(secret)));
        Assert.Same(team, accounts.FindTeam("red"));
        Assert.Same(user, accounts.FindUser(user.Id));
        Assert.Null(accounts.FindKeyByHash(VirtualKeyGenerator.HashSecret("sk-tg-other")));
    }

    [Fact]
    public void Put_RotatedKey_PreviousHashStillFound_NewKeyWinsOnName()
    {
        var f = new AccountFixtures();
        var (key, oldSecret) = AccountFixtures.NewKey("ci");
        f.Directory.Put(key);
        var fresh = VirtualKeyGenerator.Generate();
        var rotated = key with { SecretHash = fresh.SecretHash, PreviousSecretHash = key.SecretHash, PreviousSecretExpiresAt = AccountFixtures.Start.AddHours(1) };

        f.Directory.Put(rotated);

        Assert.Same(rotated, f.Directory.Current.FindKeyByHash(VirtualKeyGenerator.HashSecret(oldSecret)));
        Assert.Same(rotated, f.Directory.Current.FindKeyByHash(fresh.SecretHash));
        Assert.Single(f.Directory.Current.Keys);
    }

    [Fact]
    public void GetRevocationToken_KeyRevoked_TokenCancelled_LaterTokensAlreadyCancelled()
    {
        var f = new AccountFixtures();
        var (key, _) = AccountFixtures.NewKey("ci");
        f.Directory.Put(key);
        var token = f.Directory.GetRevocationToken(key.Id);
        Assert.False(token.IsCancellationRequested);

        f.Directory.Put(key with { RevokedAt = AccountFixtures.Start });

        Assert.True(token.IsCancellationRequested);
        Assert.True(f.Directory.GetRevocationToken(key.Id).IsCancellationRequested);
    }

    [Fact]
    public void GetRevocationToken_TeamBlockedThenUnblocked_CancelledThenFreshToken()
    {
        var f = new AccountFixtures();
        var team = AccountFixtures.NewTeam("red");
        var (key, _) = AccountFixtures.NewKey("ci", team.Id);
        f.Directory.Put(team);
        f.Directory.Put(key);
        var token = f.Directory.GetRevocationToken(key.Id);

        f.Directory.Put(team with { BlockedAt = AccountFixtures.Start });
        Assert.True(token.IsCancellationRequested);

        f.Directory.Put(team);
        Assert.False(f.Directory.GetRevocationToken(key.Id).IsCancellationRequested);
    }

    [Fact]
    public async Task RefreshAsync_KeyRevokedByAnotherInstance_TokenCancelled()
    {
        var f = new AccountFixtures();
        var (key, _) = AccountFixtures.NewKey("ci");
        await f.Keys.InsertKeyAsync(key, CancellationToken.None).WaitAsync(Timeout);
        await f.Directory.RefreshAsync(CancellationToken.None).WaitAsync(Timeout);
        var token = f.Directory.GetRevocationToken(key.Id);
        await f.Keys.UpdateKeyAsync(key with { RevokedAt = AccountFixtures.Start }, CancellationToken.None).WaitAsync(Timeout);

        await f.Directory.RefreshAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.True(token.IsCancellationRequested);
        Assert.NotNull(f.Directory.Current.GetKey(key.Id)!.RevokedAt);
    }
}
