using Microsoft.Data.Sqlite;
using Tollgate.Accounts;

namespace Tollgate.Storage.Sqlite;

/// <summary>Teams and their users in SQLite. A user's team must exist (foreign key).</summary>
/// <remarks>Thread-safe. Each write is one statement; a refused write changes nothing.</remarks>
public sealed class SqliteTeamStore(SqliteDatabase database) : ITeamStore
{
    private const string TeamColumns = "id, name, budget_nanos, budget_period, rpm, tpm, max_parallel, models, metadata, blocked_at, created_at, updated_at";
    private const string UserColumns = "id, name, team_id, budget_nanos, budget_period, rpm, tpm, max_parallel, models, metadata, blocked_at, created_at, updated_at";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TeamColumns} FROM teams ORDER BY created_at, id;";
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
                Models = SqliteValues.ListFromJson(reader.GetString(7)),
                Metadata = SqliteValues.MapFromJson(reader.GetString(8)),
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
        await WriteTeamAsync(team, $"INSERT INTO teams ({TeamColumns}) VALUES ($id, $name, $budget_nanos, $budget_period, $rpm, $tpm, $max_parallel, $models, $metadata, $blocked_at, $created_at, $updated_at);", cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> UpdateTeamAsync(TeamRecord team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(team);
        return await WriteTeamAsync(team, """
            UPDATE teams SET name = $name, budget_nanos = $budget_nanos, budget_period = $budget_period, rpm = $rpm, tpm = $tpm,
                max_parallel = $max_parallel, models = $models, metadata = $metadata, blocked_at = $blocked_at,
                created_at = $created_at, updated_at = $updated_at
            WHERE id = $id;
            """, cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UserColumns} FROM users ORDER BY created_at, id;";
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
                Models = SqliteValues.ListFromJson(reader.GetString(8)),
                Metadata = SqliteValues.MapFromJson(reader.GetString(9)),
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
        await WriteUserAsync(user, $"INSERT INTO users ({UserColumns}) VALUES ($id, $name, $team_id, $budget_nanos, $budget_period, $rpm, $tpm, $max_parallel, $models, $metadata, $blocked_at, $created_at, $updated_at);", cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await WriteUserAsync(user, """
            UPDATE users SET name = $name, team_id = $team_id, budget_nanos = $budget_nanos, budget_period = $budget_period,
                rpm = $rpm, tpm = $tpm, max_parallel = $max_parallel, models = $models, metadata = $metadata,
                blocked_at = $blocked_at, created_at = $created_at, updated_at = $updated_at
            WHERE id = $id;
            """, cancellationToken) == 1;
    }

    private Task<int> WriteTeamAsync(TeamRecord team, string sql, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(sql, p =>
        {
            p.AddWithValue("$id", team.Id);
            p.AddWithValue("$name", team.Name);
            SqliteValues.AddBudget(p, team.Budget);
            SqliteValues.AddLimits(p, team.Limits);
            p.AddWithValue("$models", SqliteValues.ToJson(team.Models));
            p.AddWithValue("$metadata", SqliteValues.ToJson(team.Metadata));
            p.AddWithValue("$blocked_at", SqliteValues.ToUnixMsOrNull(team.BlockedAt));
            p.AddWithValue("$created_at", SqliteValues.ToUnixMs(team.CreatedAt));
            p.AddWithValue("$updated_at", SqliteValues.ToUnixMs(team.UpdatedAt));
        }, ex => SqliteConflicts.FailedColumn(ex) switch
        {
            "teams.id" => new StoreConflictException($"A team with id '{team.Id}' already exists.", ex),
            "teams.name" => new StoreConflictException($"A team named '{team.Name}' already exists.", ex),
            _ => new StoreConflictException($"Team '{team.Name}' clashes with a stored record: {ex.Message}", ex),
        }, cancellationToken);

    private Task<int> WriteUserAsync(UserRecord user, string sql, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(sql, p =>
        {
            p.AddWithValue("$id", user.Id);
            p.AddWithValue("$name", user.Name);
            p.AddWithValue("$team_id", SqliteValues.OrNull(user.TeamId));
            SqliteValues.AddBudget(p, user.Budget);
            SqliteValues.AddLimits(p, user.Limits);
            p.AddWithValue("$models", SqliteValues.ToJson(user.Models));
            p.AddWithValue("$metadata", SqliteValues.ToJson(user.Metadata));
            p.AddWithValue("$blocked_at", SqliteValues.ToUnixMsOrNull(user.BlockedAt));
            p.AddWithValue("$created_at", SqliteValues.ToUnixMs(user.CreatedAt));
            p.AddWithValue("$updated_at", SqliteValues.ToUnixMs(user.UpdatedAt));
        }, ex => SqliteConflicts.IsForeignKey(ex)
            ? new StoreConflictException($"User '{user.Name}' names team '{user.TeamId}', which does not exist.", ex)
            : SqliteConflicts.FailedColumn(ex) switch
            {
                "users.id" => new StoreConflictException($"A user with id '{user.Id}' already exists.", ex),
                "users.name" => new StoreConflictException($"A user named '{user.Name}' already exists.", ex),
                _ => new StoreConflictException($"User '{user.Name}' clashes with a stored record: {ex.Message}", ex),
            }, cancellationToken);

    private async Task<int> ExecuteWriteAsync(
        string sql, Action<SqliteParameterCollection> bind, Func<SqliteException, StoreConflictException> conflict, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await database.WriteGate.WaitAsync(cancellationToken);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex) when (SqliteConflicts.IsConstraint(ex))
        {
            throw conflict(ex);
        }
        finally
        {
            database.WriteGate.Release();
        }
    }
}
