using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tollgate.Accounts;

namespace Tollgate.Core.Keys;

/// <summary>
/// The in-memory view of every virtual key, team and user that authentication reads; the request path never reads
/// the database. Loaded from <see cref="IKeyStore"/> and <see cref="ITeamStore"/> at start (<see cref="RefreshAsync"/>),
/// and updated synchronously by every admin write (<see cref="Put(VirtualKeyRecord)"/> and its overloads, called once
/// the store has accepted the write), so revocation takes effect on this instance at once.
/// </summary>
/// <remarks>
/// Thread-safety: reads are lock-free (<see cref="Current"/> is an immutable snapshot swapped atomically); writes are
/// serialised by a lock. A key's revocation token (<see cref="GetRevocationToken"/>) is cancelled after the snapshot
/// that makes the key unusable is in force, and a token handed out checks the snapshot again after it is made, so no
/// token of a revoked key stays live.
/// </remarks>
public sealed partial class AccountDirectory
{
    private readonly IKeyStore? _keyStore;
    private readonly ITeamStore? _teamStore;
    private readonly ILogger<AccountDirectory> _logger;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _revocations = new(StringComparer.Ordinal);
    private AccountSnapshot _current = AccountSnapshot.Empty;

    /// <summary>Creates an empty directory. Without stores (none registered) it stays empty: only the master key works.</summary>
    public AccountDirectory(ILogger<AccountDirectory> logger, IKeyStore? keyStore = null, ITeamStore? teamStore = null)
    {
        _keyStore = keyStore;
        _teamStore = teamStore;
        _logger = logger;
    }

    /// <summary>The snapshot in force.</summary>
    public AccountSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Whether stores are configured, so accounts can be created.</summary>
    public bool HasStores => _keyStore is not null && _teamStore is not null;

    /// <summary>
    /// Reads every key, team and user from the stores and makes them current: at start, and later to pick up
    /// writes made by other instances. Does nothing without stores. A store failure throws and changes nothing.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_keyStore is null || _teamStore is null)
        {
            return;
        }

        var keys = await _keyStore.ListKeysAsync(cancellationToken);
        var teams = await _teamStore.ListTeamsAsync(cancellationToken);
        var users = await _teamStore.ListUsersAsync(cancellationToken);
        var snapshot = new AccountSnapshot(keys, teams, users);
        lock (_writeLock)
        {
            Volatile.Write(ref _current, snapshot);
        }

        CancelUnusable(snapshot, snapshot.Keys);
        LogLoaded(_logger, keys.Count, teams.Count, users.Count);
    }

    /// <summary>Makes a key, as just stored, current.</summary>
    public void Put(VirtualKeyRecord key)
    {
        AccountSnapshot snapshot;
        lock (_writeLock)
        {
            snapshot = Current.With(key);
            Volatile.Write(ref _current, snapshot);
        }

        CancelUnusable(snapshot, [key]);
    }

    /// <summary>Makes a team, as just stored, current.</summary>
    public void Put(TeamRecord team)
    {
        AccountSnapshot snapshot;
        lock (_writeLock)
        {
            snapshot = Current.With(team);
            Volatile.Write(ref _current, snapshot);
        }

        CancelUnusable(snapshot, snapshot.Keys.Where(k => k.TeamId == team.Id));
    }

    /// <summary>Makes a user, as just stored, current.</summary>
    public void Put(UserRecord user)
    {
        AccountSnapshot snapshot;
        lock (_writeLock)
        {
            snapshot = Current.With(user);
            Volatile.Write(ref _current, snapshot);
        }

        CancelUnusable(snapshot, snapshot.Keys.Where(k => k.UserId == user.Id));
    }

    /// <summary>
    /// A token cancelled when the key is revoked or its user or team blocked; already cancelled when that has
    /// happened. Requests in flight link to it, so revocation stops them too.
    /// </summary>
    public CancellationToken GetRevocationToken(string keyId)
    {
        var key = Current.GetKey(keyId);
        if (key is null || !Current.IsUsable(key))
        {
            return new CancellationToken(canceled: true);
        }

        var source = _revocations.GetOrAdd(keyId, static _ => new CancellationTokenSource());

        // Step: a revocation that swapped its snapshot before the GetOrAdd above may have looked for the source
        // before it existed; look again now that it does.
        var now = Current.GetKey(keyId);
        if (now is null || !Current.IsUsable(now))
        {
            Cancel(keyId, source);
        }

        return source.Token;
    }

    private void CancelUnusable(AccountSnapshot snapshot, IEnumerable<VirtualKeyRecord> keys)
    {
        foreach (var key in keys)
        {
            if (!snapshot.IsUsable(key) && _revocations.TryGetValue(key.Id, out var source))
            {
                Cancel(key.Id, source);
            }
        }
    }

    private void Cancel(string keyId, CancellationTokenSource source)
    {
        // Removed first, so a key that becomes usable again (an unblocked team) gets a fresh token.
        _revocations.TryRemove(new KeyValuePair<string, CancellationTokenSource>(keyId, source));
        try
        {
            source.Cancel();
        }
        catch (AggregateException ex)
        {
            LogCancelCallbackFailed(_logger, keyId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accounts loaded: {KeyCount} keys, {TeamCount} teams, {UserCount} users")]
    private static partial void LogLoaded(ILogger logger, int keyCount, int teamCount, int userCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A request linked to revoked key {KeyId} failed while being cancelled")]
    private static partial void LogCancelCallbackFailed(ILogger logger, string keyId, Exception exception);
}
