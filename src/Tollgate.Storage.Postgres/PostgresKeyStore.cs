using Npgsql;
using NpgsqlTypes;
using Tollgate.Accounts;

namespace Tollgate.Storage.Postgres;

/// <summary>
/// Virtual keys in PostgreSQL. A key's secret digest and previous digest both live in <c>key_hashes</c>, whose primary
/// key makes each digest name one key; a key's team and user must exist (foreign keys).
/// </summary>
/// <remarks>Thread-safe. Each write is one transaction; a refused write changes nothing.</remarks>
public sealed class PostgresKeyStore(PostgresDatabase database) : IKeyStore
{
    private const string Columns = """
        id, name, secret_hash, display_prefix, previous_secret_hash, previous_secret_expires_at, team_id, user_id, role,
        models, budget_nanos, budget_period, rpm, tpm, max_parallel, expires_at, revoked_at, metadata, tags, created_at, updated_at
        """;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VirtualKeyRecord>> ListKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM keys ORDER BY created_at, id COLLATE \"C\";", connection);
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Step 1: the row itself (a name or id clash fails here).
        await using (var command = new NpgsqlCommand(insert
            ? $"INSERT INTO keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21);"
            : """
              UPDATE keys SET name = $2, secret_hash = $3, display_prefix = $4, previous_secret_hash = $5, previous_secret_expires_at = $6,
                  team_id = $7, user_id = $8, role = $9, models = $10, budget_nanos = $11, budget_period = $12, rpm = $13, tpm = $14,
                  max_parallel = $15, expires_at = $16, revoked_at = $17, metadata = $18, tags = $19, created_at = $20, updated_at = $21
              WHERE id = $1;
              """, connection, transaction))
        {
            AddParameters(command.Parameters, key);
            if (await ExecuteAsync(command, key, cancellationToken) == 0)
            {
                return false;
            }
        }

        // Step 2: the digests it is accepted under, replacing the ones it had.
        if (!insert)
        {
            await using var clear = new NpgsqlCommand("DELETE FROM key_hashes WHERE key_id = $1;", connection, transaction);
            clear.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Id });
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

    private static async Task<int> ExecuteAsync(NpgsqlCommand command, VirtualKeyRecord key, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (PostgresConflicts.IsConstraint(ex))
        {
            throw ex.ConstraintName switch
            {
                "keys_pkey" => new StoreConflictException($"A key with id '{key.Id}' already exists.", ex),
                "keys_name_key" => new StoreConflictException($"A key named '{key.Name}' already exists.", ex),
                "keys_team_fkey" or "keys_user_fkey" => new StoreConflictException(
                    $"Key '{key.Name}' names team '{key.TeamId}' or user '{key.UserId}', which does not exist.", ex),
                _ => new StoreConflictException($"Key '{key.Name}' clashes with a stored key: {ex.MessageText}", ex),
            };
        }
    }

    private static async Task AddHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, VirtualKeyRecord key, string hash, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("INSERT INTO key_hashes (hash, key_id) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING;", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Id });
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return;
            }
        }

        await using var owner = new NpgsqlCommand("SELECT k.name FROM key_hashes h JOIN keys k ON k.id = h.key_id WHERE h.hash = $1;", connection, transaction);
        owner.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hash });
        var holder = await owner.ExecuteScalarAsync(cancellationToken) as string;

        // The digest is not a secret, but a clash is reported by key name only: there is nothing to gain from echoing it.
        throw new StoreConflictException(holder == key.Name
            ? $"Key '{key.Name}' has the same secret hash as its previous one."
            : $"The secret hash of key '{key.Name}' is already used by key '{holder}'.");
    }

    private static void AddParameters(NpgsqlParameterCollection p, VirtualKeyRecord key)
    {
        p.Add(new NpgsqlParameter<string> { TypedValue = key.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = key.Name });
        p.Add(new NpgsqlParameter<string> { TypedValue = key.SecretHash });
        p.Add(new NpgsqlParameter<string> { TypedValue = key.DisplayPrefix });
        p.AddText(key.PreviousSecretHash);
        p.AddTime(key.PreviousSecretExpiresAt);
        p.AddText(key.TeamId);
        p.AddText(key.UserId);
        p.Add(new NpgsqlParameter<string> { TypedValue = PostgresValues.ToText(key.Role) });
        p.Add(PostgresValues.List(key.Models));
        PostgresValues.AddBudget(p, key.Budget);
        PostgresValues.AddLimits(p, key.Limits);
        p.AddTime(key.ExpiresAt);
        p.AddTime(key.RevokedAt);
        p.Add(PostgresValues.Map(key.Metadata));
        p.Add(PostgresValues.List(key.Tags));
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(key.CreatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(key.UpdatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static VirtualKeyRecord Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        SecretHash = r.GetString(2),
        DisplayPrefix = r.GetString(3),
        PreviousSecretHash = r.GetStringOrNull(4),
        PreviousSecretExpiresAt = r.GetTimeOrNull(5),
        TeamId = r.GetStringOrNull(6),
        UserId = r.GetStringOrNull(7),
        Role = PostgresValues.RoleFromText(r.GetString(8)),
        Models = r.GetList(9),
        Budget = r.GetBudget(10),
        Limits = r.GetLimits(12),
        ExpiresAt = r.GetTimeOrNull(15),
        RevokedAt = r.GetTimeOrNull(16),
        Metadata = r.GetMap(17),
        Tags = r.GetList(18),
        CreatedAt = r.GetTime(19),
        UpdatedAt = r.GetTime(20),
    };
}
