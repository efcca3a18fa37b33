using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Accounts;
using Tollgate.Core.Keys;
using Tollgate.Testing.Storage;

namespace Tollgate.Core.Tests.Keys;

/// <summary>Records and a directory over in-memory stores for the key tests.</summary>
internal sealed class AccountFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public InMemoryKeyStore Keys { get; } = new();

    public InMemoryTeamStore Teams { get; } = new();

    public AccountDirectory Directory { get; }

    public AccountFixtures() => Directory = new AccountDirectory(NullLogger<AccountDirectory>.Instance, Keys, Teams);

    public static (VirtualKeyRecord Record, string Secret) NewKey(string name, string? teamId = null, string? userId = null)
    {
        var generated = VirtualKeyGenerator.Generate();
        var record = new VirtualKeyRecord
        {
            Id = "key_" + name,
            Name = name,
            SecretHash = generated.SecretHash,
            DisplayPrefix = generated.DisplayPrefix,
            TeamId = teamId,
            UserId = userId,
            CreatedAt = Start,
            UpdatedAt = Start,
        };
        return (record, generated.Secret);
    }

    public static TeamRecord NewTeam(string name) => new() { Id = "team_" + name, Name = name, CreatedAt = Start, UpdatedAt = Start };

    public static UserRecord NewUser(string name, string? teamId) => new() { Id = "user_" + name, Name = name, TeamId = teamId, CreatedAt = Start, UpdatedAt = Start };
}
