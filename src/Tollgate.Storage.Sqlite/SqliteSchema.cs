using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// The versioned schema. Each migration runs once, in order, inside one transaction that also records it in
/// <c>schema_version</c>, so a crash mid-migration leaves the previous version intact and re-running is a no-op.
/// </summary>
/// <remarks>
/// Storage rules for every table: times are integer unix milliseconds UTC, money is integer nano-dollars, lists and
/// maps are JSON text, enums are lowercase snake_case text. Append new migrations; never edit a shipped one.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The migrations, by version.</summary>
    internal static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE teams (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                budget_nanos INTEGER,
                budget_period TEXT,
                rpm INTEGER,
                tpm INTEGER,
                max_parallel INTEGER,
                models TEXT NOT NULL,
                metadata TEXT NOT NULL,
                blocked_at INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );

            CREATE TABLE users (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                team_id TEXT REFERENCES teams (id),
                budget_nanos INTEGER,
                budget_period TEXT,
                rpm INTEGER,
                tpm INTEGER,
                max_parallel INTEGER,
                models TEXT NOT NULL,
                metadata TEXT NOT NULL,
                blocked_at INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX users_team ON users (team_id);

            CREATE TABLE keys (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                display_prefix TEXT NOT NULL,
                previous_secret_hash TEXT,
                previous_secret_expires_at INTEGER,
                team_id TEXT REFERENCES teams (id),
                user_id TEXT REFERENCES users (id),
                role TEXT NOT NULL,
                models TEXT NOT NULL,
                budget_nanos INTEGER,
                budget_period TEXT,
                rpm INTEGER,
                tpm INTEGER,
                max_parallel INTEGER,
                expires_at INTEGER,
                revoked_at INTEGER,
                metadata TEXT NOT NULL,
                tags TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX keys_team ON keys (team_id);
            CREATE INDEX keys_user ON keys (user_id);

            -- Every digest a key is accepted under (its secret and, after a rotation, its previous one) in one
            -- primary key, so no digest can name two keys, whichever column it sits in.
            CREATE TABLE key_hashes (
                hash TEXT NOT NULL PRIMARY KEY,
                key_id TEXT NOT NULL REFERENCES keys (id) ON DELETE CASCADE
            ) WITHOUT ROWID;
            CREATE INDEX key_hashes_key ON key_hashes (key_id);

            CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                time INTEGER NOT NULL,
                actor_key_id TEXT NOT NULL,
                actor_team_id TEXT,
                action TEXT NOT NULL,
                target_type TEXT NOT NULL,
                target_id TEXT,
                target_team_id TEXT,
                details TEXT,
                remote_address TEXT,
                user_agent TEXT,
                status INTEGER NOT NULL
            );
            CREATE INDEX audit_time ON audit (time);
            CREATE INDEX audit_target ON audit (target_id, time);
            CREATE INDEX audit_actor_team ON audit (actor_team_id, time);
            CREATE INDEX audit_target_team ON audit (target_team_id, time);

            -- seq keeps inserts appending to the table's b-tree; request ids are random and live in their own index.
            CREATE TABLE ledger (
                seq INTEGER PRIMARY KEY,
                request_id TEXT NOT NULL UNIQUE,
                time INTEGER NOT NULL,
                key_id TEXT NOT NULL,
                user_id TEXT,
                team_id TEXT,
                operation TEXT NOT NULL,
                requested_model TEXT NOT NULL,
                provider TEXT,
                deployment_model TEXT,
                stream INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                cached_input_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost_nanos INTEGER,
                latency_ms REAL NOT NULL,
                ttft_ms REAL,
                status INTEGER NOT NULL,
                error_type TEXT,
                tags TEXT NOT NULL
            );
            -- A spend report filters by time and at most one of team, key and user: each filter has an index that
            -- leads with it and ends with time, so the report reads only the rows it sums.
            CREATE INDEX ledger_time ON ledger (time);
            CREATE INDEX ledger_team_time ON ledger (team_id, time);
            CREATE INDEX ledger_key_time ON ledger (key_id, time);
            CREATE INDEX ledger_user_time ON ledger (user_id, time);
            """),
        (2, """
            -- Records without a team or user (the master key, keys outside teams) need no entry in those indexes: a
            -- filter on team_id = ? or user_id = ? implies NOT NULL, so the partial indexes still serve it, and
            -- teamless traffic writes two b-trees fewer per record.
            DROP INDEX ledger_team_time;
            DROP INDEX ledger_user_time;
            CREATE INDEX ledger_team_time ON ledger (team_id, time) WHERE team_id IS NOT NULL;
            CREATE INDEX ledger_user_time ON ledger (user_id, time) WHERE user_id IS NOT NULL;
            """),
        (3, """
            -- The ledger's write cost is mostly b-tree pages dirtied per batch (docs/PERFORMANCE.md, session 4):
            -- 1. Request ids Tollgate made ('req_' and a UUIDv7's 32 lowercase hex digits) are stored as the UUID's 16
            --    bytes, other ids as text (SqliteRequestIds): rows and the unique index shrink by 20 bytes an id.
            -- 2. No index on key_id or user_id: no report Tollgate runs filters on them (the team admin's report filters
            --    on team_id, budget seeding on time alone); a key or user filter with a time range searches ledger_time.
            --    Each cost a page write per key or user in every batch.
            -- The table is rebuilt (SQLite cannot change a column's type in place), keeping seq and every row.
            CREATE TABLE ledger_v3 (
                seq INTEGER PRIMARY KEY,
                request_id BLOB NOT NULL,
                time INTEGER NOT NULL,
                key_id TEXT NOT NULL,
                user_id TEXT,
                team_id TEXT,
                operation TEXT NOT NULL,
                requested_model TEXT NOT NULL,
                provider TEXT,
                deployment_model TEXT,
                stream INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                cached_input_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost_nanos INTEGER,
                latency_ms REAL NOT NULL,
                ttft_ms REAL,
                status INTEGER NOT NULL,
                error_type TEXT,
                tags TEXT NOT NULL
            );
            INSERT INTO ledger_v3
            SELECT seq,
                CASE WHEN length(request_id) = 36 AND request_id GLOB
                    'req_[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
                THEN unhex(substr(request_id, 5)) ELSE request_id END,
                time, key_id, user_id, team_id, operation, requested_model, provider, deployment_model, stream, input_tokens,
                cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos, latency_ms, ttft_ms,
                status, error_type, tags
            FROM ledger ORDER BY seq;
            DROP TABLE ledger;
            ALTER TABLE ledger_v3 RENAME TO ledger;
            CREATE UNIQUE INDEX ledger_request ON ledger (request_id);
            CREATE INDEX ledger_time ON ledger (time);
            CREATE INDEX ledger_team_time ON ledger (team_id, time) WHERE team_id IS NOT NULL;
            """),
    ];

    /// <summary>The newest version this build knows.</summary>
    internal static int LatestVersion => Migrations[^1].Version;

    /// <summary>Switches the file to WAL and applies the migrations it lacks.</summary>
    /// <exception cref="InvalidDataException">The file's schema is newer than this build knows, or WAL cannot be set.</exception>
    internal static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // Step 1: WAL is a property of the file; it sticks once set. It cannot change inside a transaction.
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = Convert.ToString(await wal.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"The database would not switch to WAL journaling (it reports '{mode}').");
            }
        }

        // Step 2: one immediate transaction, so two processes starting together migrate once.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL);";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        long current;
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
            current = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (current > LatestVersion)
        {
            throw new InvalidDataException(
                $"The database has schema version {current}, newer than the {LatestVersion} this Tollgate knows; use a newer Tollgate or another file.");
        }

        // Step 3: the missing migrations, each recorded with the time it ran.
        foreach (var (version, sql) in Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = sql;
            await migrate.ExecuteNonQueryAsync(cancellationToken);

            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, CAST(unixepoch('subsec') * 1000 AS INTEGER));";
            record.Parameters.AddWithValue("$version", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
