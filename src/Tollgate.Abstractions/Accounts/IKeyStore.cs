namespace Tollgate.Accounts;

/// <summary>Durable storage of virtual keys. Read in full at start and on refresh; never read per request.</summary>
public interface IKeyStore
{
    /// <summary>Every key, revoked and expired ones included.</summary>
    Task<IReadOnlyList<VirtualKeyRecord>> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>Adds a key. Throws <see cref="StoreConflictException"/> when its id, name or secret hash is taken.</summary>
    Task InsertKeyAsync(VirtualKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Replaces the key with the same id. Returns <see langword="false"/> when there is none; throws <see cref="StoreConflictException"/> on a name or hash clash.</summary>
    Task<bool> UpdateKeyAsync(VirtualKeyRecord key, CancellationToken cancellationToken);
}
