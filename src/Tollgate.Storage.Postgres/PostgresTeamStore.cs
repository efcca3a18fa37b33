using Npgsql;
using NpgsqlTypes;
using Tollgate.Accounts;

namespace Tollgate.Storage.Postgres;

/// <summary>Teams and their users in PostgreSQL. A user's team must exist (foreign key).</summary>
/// <remarks>Thread-safe. Each write is one statement; a refused write changes nothing.</remarks>
public sealed class PostgresTeamStore(PostgresDatabase database) : ITeamStore
{
    private const string TeamColumns = "id, name, budget_nanos, budget_period, rpm, tpm, max_parallel, models, metadata, blocked_at, created_at, updated_at";
    private const string UserColumns = "id, name, team_id, budget_nanos, budget_period, rpm, tpm, max_parallel, models, metadata, blocked_at, created_at, updated_at";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {TeamColumns} FROM teams ORDER BY created_at, id COLLATE \"C\";", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var teams = new List<TeamRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            teams.Add(new TeamRecord
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Budget = reader.GetBudget(2),
                Limits = reader.GetLimits(4),
                Models = reader.GetList(7),
                Metadata = reader.GetMap(8),
                BlockedAt = reader.GetTimeOrNull(9),
                CreatedAt = reader.GetTime(10),
                UpdatedAt = reader.GetTime(11),
            });
        }

        return teams;
    }

    /// <inheritdoc/>
    public async Task InsertTeamAsync(TeamRecord team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(team);
        await WriteTeamAsync(team, $"INSERT INTO teams ({TeamColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);", cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> UpdateTeamAsync(TeamRecord team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(team);
        return await WriteTeamAsync(team, """
            UPDATE teams SET name = $2, budget_nanos = $3, budget_period = $4, rpm = $5, tpm = $6, max_parallel = $7, models = $8,
                metadata = $9, blocked_at = $10, created_at = $11, updated_at = $12
            WHERE id = $1;
            """, cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {UserColumns} FROM users ORDER BY created_at, id COLLATE \"C\";", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<UserRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserRecord
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                TeamId = reader.GetStringOrNull(2),
                Budget = reader.GetBudget(3),
                Limits = reader.GetLimits(5),
                Models = reader.GetList(8),
                Metadata = reader.GetMap(9),
                BlockedAt = reader.GetTimeOrNull(10),
                CreatedAt = reader.GetTime(11),
                UpdatedAt = reader.GetTime(12),
            });
        }

        return users;
    }

    /// <inheritdoc/>
    public async Task InsertUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await WriteUserAsync(user, $"INSERT INTO users ({UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);", cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await WriteUserAsync(user, """
            UPDATE users SET name = $2, team_id = $3, budget_nanos = $4, budget_period = $5, rpm = $6, tpm = $7, max_parallel = $8,
                models = $9, metadata = $10, blocked_at = $11, created_at = $12, updated_at = $13
            WHERE id = $1;
            """, cancellationToken) == 1;
    }

    private Task<int> WriteTeamAsync(TeamRecord team, string sql, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(sql, p =>
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = team.Id });
            p.Add(new NpgsqlParameter<string> { TypedValue = team.Name });
            PostgresValues.AddBudget(p, team.Budget);
            PostgresValues.AddLimits(p, team.Limits);
            p.Add(PostgresValues.List(team.Models));
            p.Add(PostgresValues.Map(team.Metadata));
            p.AddTime(team.BlockedAt);
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(team.CreatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(team.UpdatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }, ex => ex.ConstraintName switch
        {
            "teams_pkey" => new StoreConflictException($"A team with id '{team.Id}' already exists.", ex),
            "teams_name_key" => new StoreConflictException($"A team named '{team.Name}' already exists.", ex),
            _ => new StoreConflictException($"Team '{team.Name}' clashes with a stored record: {ex.MessageText}", ex),
        }, cancellationToken);

    private Task<int> WriteUserAsync(UserRecord user, string sql, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(sql, p =>
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = user.Id });
            p.Add(new NpgsqlParameter<string> { TypedValue = user.Name });
            p.AddText(user.TeamId);
            PostgresValues.AddBudget(p, user.Budget);
            PostgresValues.AddLimits(p, user.Limits);
            p.Add(PostgresValues.List(user.Models));
            p.Add(PostgresValues.Map(user.Metadata));
            p.AddTime(user.BlockedAt);
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(user.CreatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(user.UpdatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }, ex => ex.ConstraintName switch
        {
            "users_team_fkey" => new StoreConflictException($"User '{user.Name}' names team '{user.TeamId}', which does not exist.", ex),
            "users_pkey" => new StoreConflictException($"A user with id '{user.Id}' already exists.", ex),
            "users_name_key" => new StoreConflictException($"A user named '{user.Name}' already exists.", ex),
            _ => new StoreConflictException($"User '{user.Name}' clashes with a stored record: {ex.MessageText}", ex),
        }, cancellationToken);

    private async Task<int> ExecuteWriteAsync(
        string sql, Action<NpgsqlParameterCollection> bind, Func<PostgresException, StoreConflictException> conflict, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        bind(command.Parameters);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (PostgresConflicts.IsConstraint(ex))
        {
            throw conflict(ex);
        }
    }
}
