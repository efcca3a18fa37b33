using Tollgate.Accounts;

namespace Tollgate.Core.Keys;

/// <summary>
/// Every key, team and user at one moment, indexed for the request path. Immutable: the directory swaps in a new
/// snapshot on every change, so readers never lock and never see a half-applied change.
/// </summary>
public sealed class AccountSnapshot
{
    /// <summary>A snapshot with nothing in it.</summary>
    public static readonly AccountSnapshot Empty = new([], [], []);

    private readonly Dictionary<string, VirtualKeyRecord> _keysById;
    private readonly Dictionary<string, VirtualKeyRecord> _keysByName;
    private readonly Dictionary<string, VirtualKeyRecord> _keysByHash;
    private readonly Dictionary<string, TeamRecord> _teamsById;
    private readonly Dictionary<string, TeamRecord> _teamsByName;
    private readonly Dictionary<string, UserRecord> _usersById;
    private readonly Dictionary<string, UserRecord> _usersByName;

    /// <summary>Indexes the given records; later records with the same id replace earlier ones.</summary>
    public AccountSnapshot(IEnumerable<VirtualKeyRecord> keys, IEnumerable<TeamRecord> teams, IEnumerable<UserRecord> users)
    {
        _keysById = Index(keys, k => k.Id);
        _teamsById = Index(teams, t => t.Id);
        _usersById = Index(users, u => u.Id);
        Keys = [.. _keysById.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];
        Teams = [.. _teamsById.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
        Users = [.. _usersById.Values.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id, StringComparer.Ordinal)];
        _keysByName = Index(Keys, k => k.Name);
        _teamsByName = Index(Teams, t => t.Name);
        _usersByName = Index(Users, u => u.Name);
        _keysByHash = new Dictionary<string, VirtualKeyRecord>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (key.PreviousSecretHash is { } previous)
            {
                _keysByHash[previous] = key;
            }
        }

        // Current digests last, so a current secret always wins over a clashing previous one.
        foreach (var key in Keys)
        {
            _keysByHash[key.SecretHash] = key;
        }
    }

    /// <summary>Every key, revoked and expired ones included, oldest first.</summary>
    public IReadOnlyList<VirtualKeyRecord> Keys { get; }

    /// <summary>Every team, oldest first.</summary>
    public IReadOnlyList<TeamRecord> Teams { get; }

    /// <summary>Every user, oldest first.</summary>
    public IReadOnlyList<UserRecord> Users { get; }

    /// <summary>The key whose current or previous secret has this SHA-256 digest (lowercase hex).</summary>
    public VirtualKeyRecord? FindKeyByHash(string secretHash) => _keysByHash.GetValueOrDefault(secretHash);

    /// <summary>A key by id, else by name.</summary>
    public VirtualKeyRecord? FindKey(string idOrName) => _keysById.GetValueOrDefault(idOrName) ?? _keysByName.GetValueOrDefault(idOrName);

    /// <summary>A team by id, else by name.</summary>
    public TeamRecord? FindTeam(string idOrName) => _teamsById.GetValueOrDefault(idOrName) ?? _teamsByName.GetValueOrDefault(idOrName);

    /// <summary>A user by id, else by name.</summary>
    public UserRecord? FindUser(string idOrName) => _usersById.GetValueOrDefault(idOrName) ?? _usersByName.GetValueOrDefault(idOrName);

    /// <summary>A key by id only.</summary>
    public VirtualKeyRecord? GetKey(string id) => _keysById.GetValueOrDefault(id);

    /// <summary>A team by id only.</summary>
    public TeamRecord? GetTeam(string? id) => id is null ? null : _teamsById.GetValueOrDefault(id);

    /// <summary>A user by id only.</summary>
    public UserRecord? GetUser(string? id) => id is null ? null : _usersById.GetValueOrDefault(id);

    /// <summary>A copy with <paramref name="key"/> added or replaced.</summary>
    public AccountSnapshot With(VirtualKeyRecord key) => new(Keys.Where(k => k.Id != key.Id).Append(key), Teams, Users);

    /// <summary>A copy with <paramref name="team"/> added or replaced.</summary>
    public AccountSnapshot With(TeamRecord team) => new(Keys, Teams.Where(t => t.Id != team.Id).Append(team), Users);

    /// <summary>A copy with <paramref name="user"/> added or replaced.</summary>
    public AccountSnapshot With(UserRecord user) => new(Keys, Teams, Users.Where(u => u.Id != user.Id).Append(user));

    /// <summary>Whether requests with <paramref name="key"/> may run at all: not revoked, its user and team not blocked. Expiry is checked separately.</summary>
    public bool IsUsable(VirtualKeyRecord key) =>
        key.RevokedAt is null && GetUser(key.UserId)?.BlockedAt is null && GetTeam(key.TeamId)?.BlockedAt is null;

    private static Dictionary<string, T> Index<T>(IEnumerable<T> items, Func<T, string> keyOf)
    {
        var index = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            index[keyOf(item)] = item;
        }

        return index;
    }
}
