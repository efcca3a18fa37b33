using Tollgate.Accounts;
using Tollgate.Core.Keys;
using Tollgate.Core.Tests.Testing;

namespace Tollgate.Core.Tests.Keys;

public sealed class VirtualKeyAuthenticatorTests
{
    private readonly AccountFixtures _f = new();
    private readonly VirtualKeyAuthenticator _authenticator;

    public VirtualKeyAuthenticatorTests()
    {
        var state = TestGateway.CreateState();
        state.Apply(TestGateway.EmptyConfig(), "sk-master");
        _authenticator = new VirtualKeyAuthenticator(state, _f.Directory, _f.Time);
    }

    [Fact]
    public void Authenticate_MasterKey_ReturnsMaster()
    {
        var caller = _authenticator.Authenticate("sk-master");

        Assert.Same(CallerIdentity.Master, caller);
        Assert.True(caller!.IsMaster);
        Assert.Equal(KeyRole.Admin, caller.Role);
    }

    [Fact]
    public void Authenticate_ValidKey_ReturnsCallerWithRecords()
    {
        var team = AccountFixtures.NewTeam("red");
        var user = AccountFixtures.NewUser("ann", team.Id);
        var (key, secret) = AccountFixtures.NewKey("ci", team.Id, user.Id);
        _f.Directory.Put(team);
        _f.Directory.Put(user);
        _f.Directory.Put(key with { Role = KeyRole.TeamAdmin, Tags = ["ci"] });

        var caller = _authenticator.Authenticate(secret)!;

        Assert.Equal(key.Id, caller.KeyId);
        Assert.False(caller.IsAdmin);
        Assert.False(caller.IsMaster);
        Assert.Equal(KeyRole.TeamAdmin, caller.Role);
        Assert.Equal(team.Id, caller.TeamId);
        Assert.Equal(user.Id, caller.UserId);
        Assert.Same(team, caller.Team);
        Assert.Same(user, caller.User);
        Assert.Equal(["ci"], caller.Tags);
        Assert.False(caller.Revoked.IsCancellationRequested);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sk-tg-unknown")]
    public void Authenticate_MissingOrUnknown_Null(string? presented) => Assert.Null(_authenticator.Authenticate(presented));

    [Fact]
    public void Authenticate_WrongCaseOfValidKey_Null()
    {
        var (key, secret) = AccountFixtures.NewKey("ci");
        _f.Directory.Put(key);

        Assert.Null(_authenticator.Authenticate(secret.ToUpperInvariant()));
        Assert.Null(_authenticator.Authenticate(secret[..^1]));
    }

    [Fact]
    public void Authenticate_Revoked_Null()
    {
        var (key, secret) = AccountFixtures.NewKey("ci");
        _f.Directory.Put(key);
        Assert.NotNull(_authenticator.Authenticate(secret));

        _f.Directory.Put(key with { RevokedAt = AccountFixtures.Start });

        Assert.Null(_authenticator.Authenticate(secret));
    }

    [Fact]
    public void Authenticate_Expired_NullFromExpiryOn()
    {
        var (key, secret) = AccountFixtures.NewKey("ci");
        _f.Directory.Put(key with { ExpiresAt = AccountFixtures.Start.AddMinutes(5) });
        Assert.NotNull(_authenticator.Authenticate(secret));

        _f.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(_authenticator.Authenticate(secret));
    }

    [Fact]
    public void Authenticate_BlockedTeamOrUser_Null()
    {
        var team = AccountFixtures.NewTeam("red");
        var user = AccountFixtures.NewUser("ann", team.Id);
        var (key, secret) = AccountFixtures.NewKey("ci", team.Id, user.Id);
        _f.Directory.Put(team);
        _f.Directory.Put(user);
        _f.Directory.Put(key);

        _f.Directory.Put(team with { BlockedAt = AccountFixtures.Start });
        Assert.Null(_authenticator.Authenticate(secret));

        _f.Directory.Put(team);
        _f.Directory.Put(user with { BlockedAt = AccountFixtures.Start });
        Assert.Null(_authenticator.Authenticate(secret));

        _f.Directory.Put(user);
        Assert.NotNull(_authenticator.Authenticate(secret));
    }

    [Fact]
    public void Authenticate_RotatedKey_OldSecretWorksUntilGraceEnds()
    {
        var (key, oldSecret) = AccountFixtures.NewKey("ci");
        var fresh = VirtualKeyGenerator.Generate();
        _f.Directory.Put(key with { SecretHash = fresh.SecretHash, PreviousSecretHash = key.SecretHash, PreviousSecretExpiresAt = AccountFixtures.Start.AddMinutes(10) });

        Assert.NotNull(_authenticator.Authenticate(oldSecret));
        Assert.NotNull(_authenticator.Authenticate(fresh.Secret));

        _f.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(_authenticator.Authenticate(oldSecret));
        Assert.NotNull(_authenticator.Authenticate(fresh.Secret));
    }

    [Fact]
    public void Source_ComparesDigestsInConstantTime()
    {
        // The compare that decides must be CryptographicOperations.FixedTimeEquals, for the master key and virtual keys.
        var source = File.ReadAllText(Path.Combine(RepoRoot(), "src", "Tollgate.Core", "Keys", "VirtualKeyAuthenticator.cs"));

        Assert.Equal(2, source.Split("CryptographicOperations.FixedTimeEquals(").Length - 1);
        Assert.DoesNotContain("SequenceEqual", source, StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tollgate.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Tollgate.slnx not found above the test directory.");
    }
}
