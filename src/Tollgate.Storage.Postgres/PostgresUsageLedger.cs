using System.Text;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Ledger;

namespace Tollgate.Storage.Postgres;

/// <summary>
/// The usage ledger in PostgreSQL: a table partitioned by month of the record's time (see
/// <see cref="PostgresLedgerPartitions"/>), written only by inserts, read by spend reports through indexes.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="AppendAsync"/> stores a batch in one transaction, in steps:
/// 1. make sure every month the batch reaches has a partition (a cached check; a missing one is created);
/// 2. the fast path: binary <c>COPY</c> the batch straight into <c>ledger</c>. A fresh batch (nearly every batch)
///    is done here;
/// 3. when that COPY hits a record whose (request id, time) is already stored (a retried batch, a replayed spill
///    file, a duplicate within the batch), it is rolled back, and the batch goes through the idempotent path: binary
///    <c>COPY</c> into <c>ledger_staging</c>, a temporary table of the dedicated append connection emptied at every
///    commit, then <c>INSERT INTO ledger SELECT ... FROM ledger_staging ORDER BY ord ON CONFLICT DO NOTHING</c>, which
///    skips the stored records and keeps the first of duplicates. COPY itself cannot skip duplicates, hence the two
///    paths: the staging table writes every record twice, which only retried and replayed batches need to pay.
/// </para>
/// <para>
/// Thread-safe; appends queue on an in-process gate and use one dedicated connection, reopened on the next call after
/// a failure. If another instance's retention dropped a partition this instance thought it had, the batch is retried
/// once after re-creating it.
/// </para>
/// </remarks>
public sealed class PostgresUsageLedger(PostgresDatabase database) : IUsageLedger, IAsyncDisposable, IDisposable
{
    private const string Columns = """
        request_id, time, key_id, user_id, team_id, operation, requested_model, provider, deployment_model, stream,
        input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos,
        latency_ms, ttft_ms, status, error_type, tags
        """;

    private const string CreateStagingSql = """
        CREATE TEMPORARY TABLE IF NOT EXISTS ledger_staging (
            ord integer NOT NULL,
            request_id text NOT NULL,
            time timestamptz NOT NULL,
            key_id text NOT NULL,
            user_id text,
            team_id text,
            operation text NOT NULL,
            requested_model text NOT NULL,
            provider text,
            deployment_model text,
            stream boolean NOT NULL,
            input_tokens bigint NOT NULL,
            cached_input_tokens bigint NOT NULL,
            cache_write_tokens bigint NOT NULL,
            output_tokens bigint NOT NULL,
            reasoning_tokens bigint NOT NULL,
            cost_nanos bigint,
            latency_ms double precision NOT NULL,
            ttft_ms double precision,
            status integer NOT NULL,
            error_type text,
            tags text[] NOT NULL
        ) ON COMMIT DELETE ROWS;
        """;

    private const string DirectCopySql = $"COPY ledger ({Columns}) FROM STDIN (FORMAT BINARY)";
    private const string CopySql = $"COPY ledger_staging (ord, {Columns}) FROM STDIN (FORMAT BINARY)";
    private const string InsertSql = $"INSERT INTO ledger ({Columns}) SELECT {Columns} FROM ledger_staging ORDER BY ord ON CONFLICT DO NOTHING;";

    private readonly SemaphoreSlim _appendGate = new(1, 1);
    private NpgsqlConnection? _appendConnection;

    /// <inheritdoc/>
    public async Task AppendAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await database.InitializeAsync(cancellationToken);
        await _appendGate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await AppendOnceAsync(records, cancellationToken);
                    return;
                }
                catch (PostgresException ex) when (attempt == 0 && PostgresConflicts.IsMissingPartition(ex))
                {
                    database.Partitions.Forget();
                }
            }
        }
        catch
        {
            await CloseAppendConnectionAsync();
            throw;
        }
        finally
        {
            _appendGate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = BuildSpendSql(query, command.Parameters);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SpendRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SpendRow
            {
                Group = reader.GetString(0),
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

        // The primary key leads with request_id, so this is one index probe per partition.
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM ledger WHERE request_id = $1 ORDER BY time LIMIT 1;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestId });
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new LedgerRecord
        {
            RequestId = r.GetString(0),
            Time = r.GetTime(1),
            KeyId = r.GetString(2),
            UserId = r.GetStringOrNull(3),
            TeamId = r.GetStringOrNull(4),
            Operation = r.GetString(5),
            RequestedModel = r.GetString(6),
            Provider = r.GetStringOrNull(7),
            DeploymentModel = r.GetStringOrNull(8),
            Stream = r.GetBoolean(9),
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
            Tags = r.GetList(20),
        };
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM ledger;", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Closes the dedicated append connection.</summary>
    public async ValueTask DisposeAsync() => await CloseAppendConnectionAsync();

    /// <summary>Closes the dedicated append connection.</summary>
    public void Dispose()
    {
        _appendConnection?.Dispose();
        _appendConnection = null;
    }

    /// <summary>The spend report's SQL, with its parameters added; internal so a test can check its query plan.</summary>
    internal static string BuildSpendSql(SpendQuery query, NpgsqlParameterCollection parameters)
    {
        var group = query.GroupBy switch
        {
            SpendGrouping.Key => "key_id",
            SpendGrouping.User => "COALESCE(user_id, '')",
            SpendGrouping.Team => "COALESCE(team_id, '')",
            SpendGrouping.Model => "requested_model",
            SpendGrouping.Provider => "COALESCE(provider, '')",
            SpendGrouping.Day => "to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.GroupBy, "Unknown spend grouping."),
        };

        // SUM over bigint is numeric in PostgreSQL; the totals fit a bigint, as they do in SQLite.
        var sql = new StringBuilder($"""
            SELECT ({group}) COLLATE "C" AS grp, count(*), count(*) FILTER (WHERE status >= 400), COALESCE(SUM(input_tokens), 0)::bigint,
                COALESCE(SUM(cached_input_tokens), 0)::bigint, COALESCE(SUM(cache_write_tokens), 0)::bigint, COALESCE(SUM(output_tokens), 0)::bigint,
                COALESCE(SUM(reasoning_tokens), 0)::bigint, COALESCE(SUM(cost_nanos), 0)::bigint
            FROM ledger WHERE true
            """);
        if (query.From is { } from)
        {
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(from), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append(" AND time >= $").Append(parameters.Count);
        }

        if (query.To is { } to)
        {
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresValues.Utc(to), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            sql.Append(" AND time < $").Append(parameters.Count);
        }

        if (query.TeamId is { } team)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = team });
            sql.Append(" AND team_id = $").Append(parameters.Count);
        }

        if (query.KeyId is { } key)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            sql.Append(" AND key_id = $").Append(parameters.Count);
        }

        if (query.UserId is { } user)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
            sql.Append(" AND user_id = $").Append(parameters.Count);
        }

        // grp is in the "C" collation: ordinal order, as in SQLite, whatever the database's collation.
        sql.Append(" GROUP BY grp ORDER BY grp;");
        return sql.ToString();
    }

    private async Task AppendOnceAsync(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        var connection = await OpenAppendConnectionAsync(cancellationToken);

        // Step 1.
        await database.Partitions.EnsureForAsync(connection, records.Select(r => r.Time), cancellationToken);

        // Step 2.
        await using (var direct = await connection.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                await CopyAsync(connection, DirectCopySql, records, withOrdinal: false, cancellationToken);
                await direct.CommitAsync(cancellationToken);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await direct.RollbackAsync(cancellationToken);
            }
        }

        // Step 3.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await CopyAsync(connection, CopySql, records, withOrdinal: true, cancellationToken);
        await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string sql, IReadOnlyList<LedgerRecord> records, bool withOrdinal, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(sql, cancellationToken);
        for (var i = 0; i < records.Count; i++)
        {
            await importer.StartRowAsync(cancellationToken);
            if (withOrdinal)
            {
                await importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            }

            await WriteRowAsync(importer, records[i], cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter w, LedgerRecord r, CancellationToken cancellationToken)
    {
        await w.WriteAsync(r.RequestId, NpgsqlDbType.Text, cancellationToken);
        await w.WriteAsync(PostgresValues.Utc(r.Time), NpgsqlDbType.TimestampTz, cancellationToken);
        await w.WriteAsync(r.KeyId, NpgsqlDbType.Text, cancellationToken);
        await WriteTextAsync(w, r.UserId, cancellationToken);
        await WriteTextAsync(w, r.TeamId, cancellationToken);
        await w.WriteAsync(r.Operation, NpgsqlDbType.Text, cancellationToken);
        await w.WriteAsync(r.RequestedModel, NpgsqlDbType.Text, cancellationToken);
        await WriteTextAsync(w, r.Provider, cancellationToken);
        await WriteTextAsync(w, r.DeploymentModel, cancellationToken);
        await w.WriteAsync(r.Stream, NpgsqlDbType.Boolean, cancellationToken);
        await w.WriteAsync(r.InputTokens, NpgsqlDbType.Bigint, cancellationToken);
        await w.WriteAsync(r.CachedInputTokens, NpgsqlDbType.Bigint, cancellationToken);
        await w.WriteAsync(r.CacheWriteTokens, NpgsqlDbType.Bigint, cancellationToken);
        await w.WriteAsync(r.OutputTokens, NpgsqlDbType.Bigint, cancellationToken);
        await w.WriteAsync(r.ReasoningTokens, NpgsqlDbType.Bigint, cancellationToken);
        if (r.CostNanoDollars is { } cost)
        {
            await w.WriteAsync(cost, NpgsqlDbType.Bigint, cancellationToken);
        }
        else
        {
            await w.WriteNullAsync(cancellationToken);
        }

        await w.WriteAsync(r.LatencyMs, NpgsqlDbType.Double, cancellationToken);
        if (r.TimeToFirstTokenMs is { } ttft)
        {
            await w.WriteAsync(ttft, NpgsqlDbType.Double, cancellationToken);
        }
        else
        {
            await w.WriteNullAsync(cancellationToken);
        }

        await w.WriteAsync(r.StatusCode, NpgsqlDbType.Integer, cancellationToken);
        await WriteTextAsync(w, r.ErrorType, cancellationToken);
        await w.WriteAsync(r.Tags as string[] ?? [.. r.Tags], NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter w, string? value, CancellationToken cancellationToken) =>
        value is null ? w.WriteNullAsync(cancellationToken) : w.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private async Task<NpgsqlConnection> OpenAppendConnectionAsync(CancellationToken cancellationToken)
    {
        if (_appendConnection is { } open)
        {
            return open;
        }

        var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var create = new NpgsqlCommand(CreateStagingSql, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            _appendConnection = connection;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task CloseAppendConnectionAsync()
    {
        if (_appendConnection is { } connection)
        {
            _appendConnection = null;
            await connection.DisposeAsync();
        }
    }
}
