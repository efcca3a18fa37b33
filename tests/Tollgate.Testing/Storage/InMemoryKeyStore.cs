using Tollgate.Accounts;

namespace Tollgate.Testing.Storage;

/// <summary>An <see cref="IKeyStore"/> in memory with the same uniqueness rules as the real stores. Thread-safe.</summary>
public sealed class InMemoryKeyStore : IKeyStore
{
    private readonly Lock _lock = new();
    private readonly List<VirtualKeyRecord> _keys = [];

    /// <summary>When set, every call throws it: a store that is down.</summary>
    public Exception? Failure { get; set; }

    public Task<IReadOnlyList<VirtualKeyRecord>> ListKeysAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<VirtualKeyRecord>>([.. _keys]);
        }
    }

    public Task InsertKeyAsync(VirtualKeyRecord key, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_lock)
        {
            if (_keys.Any(k => k.Id == key.Id))
            {
                throw new StoreConflictException($"A key with id '{key.Id}' already exists.");
            }

            CheckUnique(key);
            _keys.Add(key);
        }

        return Task.CompletedTask;
    }

    public Task<bool> UpdateKeyAsync(VirtualKeyRecord key, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_lock)
        {
            var index = _keys.FindIndex(k => k.Id == key.Id);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            CheckUnique(key);
            _keys[index] = key;
            return Task.FromResult(true);
        }
    }

    private void CheckUnique(VirtualKeyRecord key)
    {
        foreach (var other in _keys.Where(k => k.Id != key.Id))
        {
            if (other.Name == key.Name)
            {
                throw new StoreConflictException($"A key named '{key.Name}' already exists.");
            }

            string?[] taken = [other.SecretHash, other.PreviousSecretHash];
            if (taken.Contains(key.SecretHash) || (key.PreviousSecretHash is not null && taken.Contains(key.PreviousSecretHash)))
            {
                throw new StoreConflictException("A key with the same secret hash already exists.");
            }
        }
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
