using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tollgate.Ledger;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// The ledger's insert, prepared once on the append connection and run once per record through SQLite's own API:
/// values are bound by position as they are (text as UTF-16, which SQLite converts in place; the request id as
/// <see cref="SqliteRequestIds"/> says), so a record costs no managed allocation and no parameter-name lookups, unlike
/// a <see cref="SqliteCommand"/> with 21 named parameters (docs/PERFORMANCE.md, session 4). A multi-row statement (50
/// rows) measured no cheaper per record, so there is one row per statement.
/// </summary>
/// <remarks>
/// Not thread-safe: used by <see cref="SqliteUsageLedger"/> under the database's write gate, inside a transaction it
/// opens. A failed step throws a <see cref="SqliteException"/> with SQLite's code, as Microsoft.Data.Sqlite would.
/// Dispose it before the connection.
/// </remarks>
internal sealed class SqliteLedgerInsert : IDisposable
{
    private const string Sql = $"""
        INSERT INTO ledger ({SqliteUsageLedger.Columns})
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
        ON CONFLICT (request_id) DO NOTHING;
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    // The last tag list and its JSON: a key's records all carry the same tags, so most records reuse it.
    private string[] _lastTags = [];
    private string _lastTagsJson = "[]";

    public SqliteLedgerInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, Sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            _statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>Inserts the records in order; a record whose request id is already stored, or came earlier in the list, is skipped.</summary>
    public void Execute(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        var s = _statement;
        for (var i = 0; i < records.Count; i++)
        {
            if ((i & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            try
            {
                Bind(s, records[i]);
                var rc = raw.sqlite3_step(s);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, _db);
                }
            }
            finally
            {
                // Releases the statement's hold on the table and any error state, so the transaction can end either way.
                raw.sqlite3_reset(s);
            }
        }
    }

    public void Dispose() => _statement.Dispose();

    /// <summary>Binds one record's values to parameters 1 to 21, in column order.</summary>
    private void Bind(sqlite3_stmt s, LedgerRecord record)
    {
        Span<byte> id = stackalloc byte[SqliteRequestIds.Length];
        Check(SqliteRequestIds.TryEncode(record.RequestId, id)
            ? raw.sqlite3_bind_blob(s, 1, id)
            : raw.sqlite3_bind_text16(s, 1, record.RequestId.AsSpan()));
        Check(raw.sqlite3_bind_int64(s, 2, SqliteValues.ToUnixMs(record.Time)));
        Text(s, 3, record.KeyId);
        Text(s, 4, record.UserId);
        Text(s, 5, record.TeamId);
        Text(s, 6, record.Operation);
        Text(s, 7, record.RequestedModel);
        Text(s, 8, record.Provider);
        Text(s, 9, record.DeploymentModel);
        Check(raw.sqlite3_bind_int64(s, 10, record.Stream ? 1 : 0));
        Check(raw.sqlite3_bind_int64(s, 11, record.InputTokens));
        Check(raw.sqlite3_bind_int64(s, 12, record.CachedInputTokens));
        Check(raw.sqlite3_bind_int64(s, 13, record.CacheWriteTokens));
        Check(raw.sqlite3_bind_int64(s, 14, record.OutputTokens));
        Check(raw.sqlite3_bind_int64(s, 15, record.ReasoningTokens));
        Check(record.CostNanoDollars is { } cost ? raw.sqlite3_bind_int64(s, 16, cost) : raw.sqlite3_bind_null(s, 16));
        Check(raw.sqlite3_bind_double(s, 17, record.LatencyMs));
        Check(record.TimeToFirstTokenMs is { } ttft ? raw.sqlite3_bind_double(s, 18, ttft) : raw.sqlite3_bind_null(s, 18));
        Check(raw.sqlite3_bind_int64(s, 19, record.StatusCode));
        Text(s, 20, record.ErrorType);
        Text(s, 21, TagsJson(record.Tags));
    }

    private void Text(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private string TagsJson(IReadOnlyList<string> tags)
    {
        if (tags.Count == 0)
        {
            return "[]";
        }

        if (!Same(tags, _lastTags))
        {
            _lastTagsJson = SqliteValues.ToJson(tags);
            _lastTags = [.. tags];
        }

        return _lastTagsJson;
    }

    private static bool Same(IReadOnlyList<string> tags, string[] last)
    {
        if (tags.Count != last.Length)
        {
            return false;
        }

        for (var i = 0; i < last.Length; i++)
        {
            if (!string.Equals(tags[i], last[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
