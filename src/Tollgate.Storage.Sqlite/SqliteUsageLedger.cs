using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Tollgate.Ledger;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// The usage ledger in SQLite. <see cref="AppendAsync"/> stores a batch in one transaction through one prepared
/// <c>INSERT ... ON CONFLICT (request_id) DO NOTHING</c> (<see cref="SqliteLedgerInsert"/>) kept on a dedicated
/// connection, so a batch retried or replayed stores each record once.
/// </summary>
/// <remarks>
/// Thread-safe; appends queue on the database's write gate. <see cref="AppendAsync"/> does its work synchronously on
/// the calling thread (SQLite has no asynchronous I/O): it is meant for the background ledger writer, never the
/// request path. After a failed append the dedicated connection is closed and reopened on the next call, so a file
/// that went away or a full disk does not leave it broken.
/// </remarks>
public sealed class SqliteUsageLedger(SqliteDatabase database) : IUsageLedger, IDisposable
{
    internal const string Columns = """
        request_id, time, key_id, user_id, team_id, operation, requested_model, provider, deployment_model, stream,
        input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos,
        latency_ms, ttft_ms, status, error_type, tags
        """;

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    private SqliteConnection? _appendConnection;
    private SqliteLedgerInsert? _insert;

    /// <inheritdoc/>
    public async Task AppendAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await database.InitializeAsync(cancellationToken);
        await database.WriteGate.WaitAsync(cancellationToken);
        try
        {
            var insert = await PrepareInsertAsync(cancellationToken);
            using var transaction = _appendConnection!.BeginTransaction();
            insert.Execute(records, cancellationToken);
            transaction.Commit();
        }
        catch
        {
            CloseAppendConnection();
            throw;
        }
        finally
        {
            database.WriteGate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = BuildSpendSql(query, command.Parameters);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SpendRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var group = query.GroupBy == SpendGrouping.Day
                ? DateOnly.FromDayNumber(EpochDayNumber + checked((int)reader.GetInt64(0))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : reader.GetString(0);
            rows.Add(new SpendRow
            {
                Group = group,
                Requests = reader.GetInt64(1),
                Errors = reader.GetInt64(2),
                InputTokens = reader.GetInt64(3),
                CachedInputTokens = reader.GetInt64(4),
                CacheWriteTokens = reader.GetInt64(5),
                OutputTokens = reader.GetInt64(6),
                ReasoningTokens = reader.GetInt64(7),
                CostNanoDollars = reader.GetInt64(8),
            });
        }

        return rows;
    }

    /// <inheritdoc/>
    public async Task<LedgerRecord?> FindAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM ledger WHERE request_id = $request_id;";
        command.Parameters.AddWithValue("$request_id", SqliteRequestIds.ToColumn(requestId));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new LedgerRecord
        {
            RequestId = r.GetRequestId(0),
            Time = r.GetTime(1),
            KeyId = r.GetString(2),
            UserId = r.GetStringOrNull(3),
            TeamId = r.GetStringOrNull(4),
            Operation = r.GetString(5),
            RequestedModel = r.GetString(6),
            Provider = r.GetStringOrNull(7),
            DeploymentModel = r.GetStringOrNull(8),
            Stream = r.GetInt64(9) != 0,
            InputTokens = r.GetInt64(10),
            CachedInputTokens = r.GetInt64(11),
            CacheWriteTokens = r.GetInt64(12),
            OutputTokens = r.GetInt64(13),
            ReasoningTokens = r.GetInt64(14),
            CostNanoDollars = r.GetInt64OrNull(15),
            LatencyMs = r.GetDouble(16),
            TimeToFirstTokenMs = r.GetDoubleOrNull(17),
            StatusCode = r.GetInt32(18),
            ErrorType = r.GetStringOrNull(19),
            Tags = SqliteValues.ListFromJson(r.GetString(20)),
        };
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ledger;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Closes the dedicated append connection.</summary>
    public void Dispose() => CloseAppendConnection();

    /// <summary>The spend report's SQL, with its parameters added; internal so a test can check its query plan.</summary>
    internal static string BuildSpendSql(SpendQuery query, SqliteParameterCollection parameters)
    {
        var group = query.GroupBy switch
        {
            SpendGrouping.Key => "key_id",
            SpendGrouping.User => "COALESCE(user_id, '')",
            SpendGrouping.Team => "COALESCE(team_id, '')",
            SpendGrouping.Model => "requested_model",
            SpendGrouping.Provider => "COALESCE(provider, '')",

            // The UTC day number since 1970-01-01, rounded down for times before it.
            SpendGrouping.Day => "(CASE WHEN time >= 0 THEN time / 86400000 ELSE (time - 86399999) / 86400000 END)",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.GroupBy, "Unknown spend grouping."),
        };

        var sql = new StringBuilder($"""
            SELECT {group} AS grp, COUNT(*), COALESCE(SUM(status >= 400), 0), COALESCE(SUM(input_tokens), 0),
                COALESCE(SUM(cached_input_tokens), 0), COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(output_tokens), 0),
                COALESCE(SUM(reasoning_tokens), 0), COALESCE(SUM(cost_nanos), 0)
            FROM ledger WHERE 1 = 1
            """);
        if (query.From is { } from)
        {
            sql.Append(" AND time >= $from");
            parameters.AddWithValue("$from", SqliteValues.ToUnixMs(from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND time < $to");
            parameters.AddWithValue("$to", SqliteValues.ToUnixMs(to));
        }

        if (query.TeamId is { } team)
        {
            sql.Append(" AND team_id = $team");
            parameters.AddWithValue("$team", team);
        }

        if (query.KeyId is { } key)
        {
            sql.Append(" AND key_id = $key");
            parameters.AddWithValue("$key", key);
        }

        if (query.UserId is { } user)
        {
            sql.Append(" AND user_id = $user");
            parameters.AddWithValue("$user", user);
        }

        sql.Append(" GROUP BY grp ORDER BY grp;");
        return sql.ToString();
    }

    private async Task<SqliteLedgerInsert> PrepareInsertAsync(CancellationToken cancellationToken)
    {
        if (_insert is not null)
        {
            return _insert;
        }

        var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            _insert = new SqliteLedgerInsert(connection);
            _appendConnection = connection;
            return _insert;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void CloseAppendConnection()
    {
        _insert?.Dispose();
        _insert = null;
        _appendConnection?.Dispose();
        _appendConnection = null;
    }
}
