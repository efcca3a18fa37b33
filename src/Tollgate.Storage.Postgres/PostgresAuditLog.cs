using System.Text;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Accounts;

namespace Tollgate.Storage.Postgres;

/// <summary>The admin audit log in PostgreSQL: append-only, read newest first (entries with the same time in reverse order of appending).</summary>
/// <remarks>Thread-safe. An entry whose id is already stored is refused with a <see cref="StoreConflictException"/>.</remarks>
public sealed class PostgresAuditLog(PostgresDatabase database) : IAuditLog
{
    /// <summary>The most entries one query returns, whatever <see cref="AuditQuery.Limit"/> asks.</summary>
    public const int MaxLimit = 10_000;

    /// <inheritdoc/>
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO audit (id, time, actor_key_id, actor_team_id, action, target_type, target_id, target_team_id, details, remote_address, user_agent, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);
            """, connection);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = entry.Id });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(entry.Time), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<string> { TypedValue = entry.ActorKeyId });
        p.AddText(entry.ActorTeamId);
        p.Add(new NpgsqlParameter<string> { TypedValue = entry.Action });
        p.Add(new NpgsqlParameter<string> { TypedValue = entry.TargetType });
        p.AddText(entry.TargetId);
        p.AddText(entry.TargetTeamId);
        p.AddText(entry.Details);
        p.AddText(entry.RemoteAddress);
        p.AddText(entry.UserAgent);
        p.Add(new NpgsqlParameter<int> { TypedValue = entry.Status });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (PostgresConflicts.IsConstraint(ex))
        {
            throw new StoreConflictException($"An audit entry with id '{entry.Id}' already exists.", ex);
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
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("""
            SELECT id, time, actor_key_id, actor_team_id, action, target_type, target_id, target_team_id, details, remote_address, user_agent, status
            FROM audit WHERE true
            """);
        var p = command.Parameters;
        if (query.From is { } from)
        {
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(from), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append(" AND time >= $").Append(p.Count);
        }

        if (query.To is { } to)
        {
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(to), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append(" AND time < $").Append(p.Count);
        }

        if (query.TeamId is { } team)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = team });
            sql.Append(" AND (actor_team_id = $").Append(p.Count).Append(" OR target_team_id = $").Append(p.Count).Append(')');
        }

        if (query.TargetId is { } target)
        {
            p.Add(new NpgsqlParameter<string> { TypedValue = target });
            sql.Append(" AND target_id = $").Append(p.Count);
        }

        p.Add(new NpgsqlParameter<int> { TypedValue = Math.Min(query.Limit, MaxLimit) });
        sql.Append(" ORDER BY time DESC, seq DESC LIMIT $").Append(p.Count).Append(';');
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
