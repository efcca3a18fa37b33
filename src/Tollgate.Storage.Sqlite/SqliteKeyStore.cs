using Microsoft.Data.Sqlite;
using Tollgate.Accounts;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// Virtual keys in SQLite. A key's secret digest and previous digest both live in <c>key_hashes</c>, whose primary key
/// makes each digest name one key; a key's team and user must exist (foreign keys).
/// </summary>
/// <remarks>Thread-safe. Each write is one transaction; a refused write changes nothing.</remarks>
public sealed class SqliteKeyStore(SqliteDatabase database) : IKeyStore
{
    private const string Columns = """
        id, name, secret_hash, display_prefix, previous_secret_hash, previous_secret_expires_at, team_id, user_id, role,
        models, budget_nanos, budget_period, rpm, tpm, max_parallel, expires_at, revoked_at, metadata, tags, created_at, updated_at
        """;

    private const string Values = """
        $id, $name, $secret_hash, $display_prefix, $previous_secret_hash, $previous_secret_expires_at, $team_id, $user_id, $role,
        $models, $budget_nanos, $budget_period, $rpm, $tpm, $max_parallel, $expires_at, $revoked_at, $metadata, $tags, $created_at, $updated_at
        """;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VirtualKeyRecord>> ListKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM keys ORDER BY created_at, id;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<VirtualKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <inheritdoc/>
    public async Task InsertKeyAsync(VirtualKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await WriteAsync(key, insert: true, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> UpdateKeyAsync(VirtualKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(key, insert: false, cancellationToken);
    }

    private async Task<bool> WriteAsync(VirtualKeyRecord key, bool insert, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await database.WriteGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

            // Step 1: the row itself (a name or id clash fails here).
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = insert
                    ? $"INSERT INTO keys ({Columns}) VALUES ({Values});"
                    : """
                      UPDATE keys SET name = $name, secret_hash = $secret_hash, display_prefix = $display_prefix,
                          previous_secret_hash = $previous_secret_hash, previous_secret_expires_at = $previous_secret_expires_at,
                          team_id = $team_id, user_id = $user_id, role = $role, models = $models, budget_nanos = $budget_nanos,
                          budget_period = $budget_period, rpm = $rpm, tpm = $tpm, max_parallel = $max_parallel,
                          expires_at = $expires_at, revoked_at = $revoked_at, metadata = $metadata, tags = $tags,
                          created_at = $created_at, updated_at = $updated_at
                      WHERE id = $id;
                      """;
                AddParameters(command.Parameters, key);
                var rows = await ExecuteAsync(command, key, cancellationToken);
                if (rows == 0)
                {
                    return false;
                }
            }

            // Step 2: the digests it is accepted under, replacing the ones it had.
            if (!insert)
            {
                using var clear = connection.CreateCommand();
                clear.Transaction = transaction;
                clear.CommandText = "DELETE FROM key_hashes WHERE key_id = $id;";
                clear.Parameters.AddWithValue("$id", key.Id);
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            await AddHashAsync(connection, transaction, key, key.SecretHash, cancellationToken);
            if (key.PreviousSecretHash is { } previous)
            {
                await AddHashAsync(connection, transaction, key, previous, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        finally
        {
            database.WriteGate.Release();
        }
    }

    private static async Task<int> ExecuteAsync(SqliteCommand command, VirtualKeyRecord key, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex) when (SqliteConflicts.IsConstraint(ex))
        {
            if (SqliteConflicts.IsForeignKey(ex))
            {
                throw new StoreConflictException(
                    $"Key '{key.Name}' names team '{key.TeamId}' or user '{key.UserId}', which does not exist.", ex);
            }

            throw SqliteConflicts.FailedColumn(ex) switch
            {
                "keys.id" => new StoreConflictException($"A key with id '{key.Id}' already exists.", ex),
                "keys.name" => new StoreConflictException($"A key named '{key.Name}' already exists.", ex),
                _ => new StoreConflictException($"Key '{key.Name}' clashes with a stored key: {ex.Message}", ex),
            };
        }
    }

    private static async Task AddHashAsync(SqliteConnection connection, SqliteTransaction transaction, VirtualKeyRecord key, string hash, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO key_hashes (hash, key_id) VALUES ($hash, $key_id) ON CONFLICT (hash) DO NOTHING;";
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$key_id", key.Id);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return;
        }

        using var owner = connection.CreateCommand();
        owner.Transaction = transaction;
        owner.CommandText = "SELECT k.name FROM key_hashes h JOIN keys k ON k.id = h.key_id WHERE h.hash = $hash;";
        owner.Parameters.AddWithValue("$hash", hash);
        var holder = await owner.ExecuteScalarAsync(cancellationToken) as string;

        // The digest is not a secret, but a clash is reported by key name only: there is nothing to gain from echoing it.
        throw new StoreConflictException(holder == key.Name
            ? $"Key '{key.Name}' has the same secret hash as its previous one."
            : $"The secret hash of key '{key.Name}' is already used by key '{holder}'.");
    }

    private static void AddParameters(SqliteParameterCollection p, VirtualKeyRecord key)
    {
        p.AddWithValue("$id", key.Id);
        p.AddWithValue("$name", key.Name);
        p.AddWithValue("$secret_hash", key.SecretHash);
        p.AddWithValue("$display_prefix", key.DisplayPrefix);
        p.AddWithValue("$previous_secret_hash", SqliteValues.OrNull(key.PreviousSecretHash));
        p.AddWithValue("$previous_secret_expires_at", SqliteValues.ToUnixMsOrNull(key.PreviousSecretExpiresAt));
        p.AddWithValue("$team_id", SqliteValues.OrNull(key.TeamId));
        p.AddWithValue("$user_id", SqliteValues.OrNull(key.UserId));
        p.AddWithValue("$role", SqliteValues.ToText(key.Role));
        p.AddWithValue("$models", SqliteValues.ToJson(key.Models));
        SqliteValues.AddBudget(p, key.Budget);
        SqliteValues.AddLimits(p, key.Limits);
        p.AddWithValue("$expires_at", SqliteValues.ToUnixMsOrNull(key.ExpiresAt));
        p.AddWithValue("$revoked_at", SqliteValues.ToUnixMsOrNull(key.RevokedAt));
        p.AddWithValue("$metadata", SqliteValues.ToJson(key.Metadata));
        p.AddWithValue("$tags", SqliteValues.ToJson(key.Tags));
        p.AddWithValue("$created_at", SqliteValues.ToUnixMs(key.CreatedAt));
        p.AddWithValue("$updated_at", SqliteValues.ToUnixMs(key.UpdatedAt));
    }

    private static VirtualKeyRecord Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        SecretHash = r.GetString(2),
        DisplayPrefix = r.GetString(3),
        PreviousSecretHash = r.GetStringOrNull(4),
        PreviousSecretExpiresAt = r.GetTimeOrNull(5),
        TeamId = r.GetStringOrNull(6),
        UserId = r.GetStringOrNull(7),
        Role = SqliteValues.RoleFromText(r.GetString(8)),
        Models = SqliteValues.ListFromJson(r.GetString(9)),
        Budget = r.GetBudget(10),
        Limits = r.GetLimits(12),
        ExpiresAt = r.GetTimeOrNull(15),
        RevokedAt = r.GetTimeOrNull(16),
        Metadata = SqliteValues.MapFromJson(r.GetString(17)),
        Tags = SqliteValues.ListFromJson(r.GetString(18)),
        CreatedAt = r.GetTime(19),
        UpdatedAt = r.GetTime(20),
    };
}
