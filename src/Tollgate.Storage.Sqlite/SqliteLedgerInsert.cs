using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tollgate.Ledger;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// The ledger's insert, prepared once on the append connection (for one row and for <see cref="RowsPerStatement"/>
/// rows) and run through SQLite's own API: values are bound by position as they are (text as UTF-16, which SQLite
/// converts in place; the request id as <see cref="SqliteRequestIds"/> says), so a record costs no managed allocation
/// and no parameter-name lookups, unlike a <see cref="SqliteCommand"/> with 21 named parameters (which took twice as
/// long per record: docs/PERFORMANCE.md, session 4).
/// </summary>
/// <remarks>
/// Not thread-safe: used by <see cref="SqliteUsageLedger"/> under the database's write gate, inside a transaction it
/// opens. A failed step throws a <see cref="SqliteException"/> with SQLite's code, as Microsoft.Data.Sqlite would.
/// Dispose it before the connection.
/// </remarks>
internal sealed class SqliteLedgerInsert : IDisposable
{
    /// <summary>Rows per multi-row statement: one run of it opens the table's and indexes' cursors once for all of them.</summary>
    internal const int RowsPerStatement = 50;

    private const int ColumnCount = 21;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _one;
    private readonly sqlite3_stmt _many;

    // The last tag list and its JSON: a key's records all carry the same tags, so most records reuse it.
    private string[] _lastTags = [];
    private string _lastTagsJson = "[]";

    public SqliteLedgerInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        _one = Prepare(1);
        try
        {
            _many = Prepare(RowsPerStatement);
        }
        catch
        {
            _one.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Inserts the records in order, <see cref="RowsPerStatement"/> to a statement and the rest one by one; a record
    /// whose request id is already stored, or came earlier in the list, is skipped.
    /// </summary>
    public void Execute(IReadOnlyList<LedgerRecord> records, CancellationToken cancellationToken)
    {
        var i = 0;
        for (; i + RowsPerStatement <= records.Count; i += RowsPerStatement)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Run(_many, records, i, RowsPerStatement);
        }

        for (; i < records.Count; i++)
        {
            Run(_one, records, i, 1);
        }
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
    }

    private sqlite3_stmt Prepare(int rows)
    {
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(r =>
            "(" + string.Join(", ", Enumerable.Range((r * ColumnCount) + 1, ColumnCount).Select(n => "?" + n.ToString(CultureInfo.InvariantCulture))) + ")"));
        var sql = $"INSERT INTO ledger ({SqliteUsageLedger.Columns}) VALUES {values} ON CONFLICT (request_id) DO NOTHING;";
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return statement;
    }

    private void Run(sqlite3_stmt statement, IReadOnlyList<LedgerRecord> records, int start, int count)
    {
        try
        {
            for (var r = 0; r < count; r++)
            {
                Bind(statement, r * ColumnCount, records[start + r]);
            }

            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            // Releases the statement's hold on the table and any error state, so the transaction can end either way.
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Binds one record's values to parameters <paramref name="offset"/> + 1 to <paramref name="offset"/> + 21, in column order.</summary>
    private void Bind(sqlite3_stmt s, int offset, LedgerRecord record)
    {
        Span<byte> id = stackalloc byte[SqliteRequestIds.Length];
        Check(SqliteRequestIds.TryEncode(record.RequestId, id)
            ? raw.sqlite3_bind_blob(s, offset + 1, id)
            : raw.sqlite3_bind_text16(s, offset + 1, record.RequestId.AsSpan()));
        Check(raw.sqlite3_bind_int64(s, offset + 2, SqliteValues.ToUnixMs(record.Time)));
        Text(s, offset + 3, record.KeyId);
        Text(s, offset + 4, record.UserId);
        Text(s, offset + 5, record.TeamId);
        Text(s, offset + 6, record.Operation);
        Text(s, offset + 7, record.RequestedModel);
        Text(s, offset + 8, record.Provider);
        Text(s, offset + 9, record.DeploymentModel);
        Check(raw.sqlite3_bind_int64(s, offset + 10, record.Stream ? 1 : 0));
        Check(raw.sqlite3_bind_int64(s, offset + 11, record.InputTokens));
        Check(raw.sqlite3_bind_int64(s, offset + 12, record.CachedInputTokens));
        Check(raw.sqlite3_bind_int64(s, offset + 13, record.CacheWriteTokens));
        Check(raw.sqlite3_bind_int64(s, offset + 14, record.OutputTokens));
        Check(raw.sqlite3_bind_int64(s, offset + 15, record.ReasoningTokens));
        Check(record.CostNanoDollars is { } cost ? raw.sqlite3_bind_int64(s, offset + 16, cost) : raw.sqlite3_bind_null(s, offset + 16));
        Check(raw.sqlite3_bind_double(s, offset + 17, record.LatencyMs));
        Check(record.TimeToFirstTokenMs is { } ttft ? raw.sqlite3_bind_double(s, offset + 18, ttft) : raw.sqlite3_bind_null(s, offset + 18));
        Check(raw.sqlite3_bind_int64(s, offset + 19, record.StatusCode));
        Text(s, offset + 20, record.ErrorType);
        Text(s, offset + 21, TagsJson(record.Tags));
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
