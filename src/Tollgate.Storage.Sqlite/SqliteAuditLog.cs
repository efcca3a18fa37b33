using System.Text;
using Microsoft.Data.Sqlite;
using Tollgate.Accounts;

namespace Tollgate.Storage.Sqlite;

/// <summary>The admin audit log in SQLite: append-only, read newest first (entries with the same time in reverse order of appending).</summary>
/// <remarks>Thread-safe. An entry whose id is already stored is refused with a <see cref="StoreConflictException"/>.</remarks>
public sealed class SqliteAuditLog(SqliteDatabase database) : IAuditLog
{
    /// <summary>The most entries one query returns, whatever <see cref="AuditQuery.Limit"/> asks.</summary>
    public const int MaxLimit = 10_000;

    /// <inheritdoc/>
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await database.WriteGate.WaitAsync(cancellationToken);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO audit (id, time, actor_key_id, actor_team_id, action, target_type, target_id, target_team_id, details, remote_address, user_agent, status)
                VALUES ($id, $time, $actor_key_id, $actor_team_id, $action, $target_type, $target_id, $target_team_id, $details, $remote_address, $user_agent, $status);
                """;
            var p = command.Parameters;
            p.AddWithValue("$id", entry.Id);
            p.AddWithValue("$time", SqliteValues.ToUnixMs(entry.Time));
            p.AddWithValue("$actor_key_id", entry.ActorKeyId);
            p.AddWithValue("$actor_team_id", SqliteValues.OrNull(entry.ActorTeamId));
            p.AddWithValue("$action", entry.Action);
            p.AddWithValue("$target_type", entry.TargetType);
            p.AddWithValue("$target_id", SqliteValues.OrNull(entry.TargetId));
            p.AddWithValue("$target_team_id", SqliteValues.OrNull(entry.TargetTeamId));
            p.AddWithValue("$details", SqliteValues.OrNull(entry.Details));
            p.AddWithValue("$remote_address", SqliteValues.OrNull(entry.RemoteAddress));
            p.AddWithValue("$user_agent", SqliteValues.OrNull(entry.UserAgent));
            p.AddWithValue("$status", entry.Status);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex) when (SqliteConflicts.IsConstraint(ex))
        {
            throw new StoreConflictException($"An audit entry with id '{entry.Id}' already exists.", ex);
        }
        finally
        {
            database.WriteGate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("""
            SELECT id, time, actor_key_id, actor_team_id, action, target_type, target_id, target_team_id, details, remote_address, user_agent, status
            FROM audit WHERE 1 = 1
            """);
        if (query.From is { } from)
        {
            sql.Append(" AND time >= $from");
            command.Parameters.AddWithValue("$from", SqliteValues.ToUnixMs(from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND time < $to");
            command.Parameters.AddWithValue("$to", SqliteValues.ToUnixMs(to));
        }

        if (query.TeamId is { } team)
        {
            sql.Append(" AND (actor_team_id = $team OR target_team_id = $team)");
            command.Parameters.AddWithValue("$team", team);
        }

        if (query.TargetId is { } target)
        {
            sql.Append(" AND target_id = $target");
            command.Parameters.AddWithValue("$target", target);
        }

        sql.Append(" ORDER BY time DESC, seq DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", Math.Min(query.Limit, MaxLimit));
        command.CommandText = sql.ToString();

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry
            {
                Id = reader.GetString(0),
                Time = reader.GetTime(1),
                ActorKeyId = reader.GetString(2),
                ActorTeamId = reader.GetStringOrNull(3),
                Action = reader.GetString(4),
                TargetType = reader.GetString(5),
                TargetId = reader.GetStringOrNull(6),
                TargetTeamId = reader.GetStringOrNull(7),
                Details = reader.GetStringOrNull(8),
                RemoteAddress = reader.GetStringOrNull(9),
                UserAgent = reader.GetStringOrNull(10),
                Status = reader.GetInt32(11),
            });
        }

        return entries;
    }
}
