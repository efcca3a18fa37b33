using Npgsql;

namespace Tollgate.Storage.Postgres;

/// <summary>
/// The versioned schema. Migrations run in order inside one transaction that holds a transaction-level advisory lock
/// and records each version in <c>schema_migrations</c>, so several Tollgate instances starting at once migrate once
/// (the others wait on the lock, then find nothing left to do) and a failed migration leaves the previous version.
/// </summary>
/// <remarks>
/// Storage rules for every table: times are <c>timestamptz</c> (microsecond precision), money is <c>bigint</c>
/// nano-dollars, lists are <c>text[]</c>, maps are <c>jsonb</c>, enums are lowercase snake_case text. Constraints
/// carry explicit names, which <see cref="PostgresConflicts"/> maps to messages. Append new migrations; never edit a
/// shipped one.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key migrations hold ("tollgate" in ASCII, as a 64-bit number).</summary>
    internal const long MigrationLockKey = 0x746F6C6C67617465;

    /// <summary>The migrations, by version.</summary>
    internal static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE teams (
                id text NOT NULL CONSTRAINT teams_pkey PRIMARY KEY,
                name text NOT NULL CONSTRAINT teams_name_key UNIQUE,
                budget_nanos bigint,
                budget_period text,
                rpm integer,
                tpm bigint,
                max_parallel integer,
                models text[] NOT NULL,
                metadata jsonb NOT NULL,
                blocked_at timestamptz,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );

            CREATE TABLE users (
                id text NOT NULL CONSTRAINT users_pkey PRIMARY KEY,
                name text NOT NULL CONSTRAINT users_name_key UNIQUE,
                team_id text CONSTRAINT users_team_fkey REFERENCES teams (id),
                budget_nanos bigint,
                budget_period text,
                rpm integer,
                tpm bigint,
                max_parallel integer,
                models text[] NOT NULL,
                metadata jsonb NOT NULL,
                blocked_at timestamptz,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE INDEX users_team ON users (team_id);

            CREATE TABLE keys (
                id text NOT NULL CONSTRAINT keys_pkey PRIMARY KEY,
                name text NOT NULL CONSTRAINT keys_name_key UNIQUE,
                secret_hash text NOT NULL,
                display_prefix text NOT NULL,
                previous_secret_hash text,
                previous_secret_expires_at timestamptz,
                team_id text CONSTRAINT keys_team_fkey REFERENCES teams (id),
                user_id text CONSTRAINT keys_user_fkey REFERENCES users (id),
                role text NOT NULL,
                models text[] NOT NULL,
                budget_nanos bigint,
                budget_period text,
                rpm integer,
                tpm bigint,
                max_parallel integer,
                expires_at timestamptz,
                revoked_at timestamptz,
                metadata jsonb NOT NULL,
                tags text[] NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE INDEX keys_team ON keys (team_id);
            CREATE INDEX keys_user ON keys (user_id);

            -- Every digest a key is accepted under (its secret and, after a rotation, its previous one) in one
            -- primary key, so no digest can name two keys, whichever column it sits in.
            CREATE TABLE key_hashes (
                hash text NOT NULL CONSTRAINT key_hashes_pkey PRIMARY KEY,
                key_id text NOT NULL REFERENCES keys (id) ON DELETE CASCADE
            );
            CREATE INDEX key_hashes_key ON key_hashes (key_id);

            CREATE TABLE audit (
                seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_pkey PRIMARY KEY,
                id text NOT NULL CONSTRAINT audit_id_key UNIQUE,
                time timestamptz NOT NULL,
                actor_key_id text NOT NULL,
                actor_team_id text,
                action text NOT NULL,
                target_type text NOT NULL,
                target_id text,
                target_team_id text,
                details text,
                remote_address text,
                user_agent text,
                status integer NOT NULL
            );
            CREATE INDEX audit_time ON audit (time);
            CREATE INDEX audit_target ON audit (target_id, time);
            CREATE INDEX audit_actor_team ON audit (actor_team_id, time);
            CREATE INDEX audit_target_team ON audit (target_team_id, time);

            -- Append-only and partitioned by month of the request's time (PostgresLedgerPartitions creates the
            -- partitions ahead and drops whole expired ones; rows are never deleted). A unique constraint on a
            -- partitioned table must include the partition key, so the key is (request_id, time): a request id is
            -- made once per request (req_ + a UUIDv7) together with the record's time, and a retried batch or a
            -- replayed spill file carries the record unchanged, so (request_id, time) is as unique as request_id.
            CREATE TABLE ledger (
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
                tags text[] NOT NULL,
                CONSTRAINT ledger_pkey PRIMARY KEY (request_id, time)
            ) PARTITION BY RANGE (time);

            -- A spend report filters by time and at most one of team, key and user: each filter has an index that
            -- leads with it and ends with time, so the report reads only the rows it sums. Records without a team or
            -- user need no entry in those indexes (team_id = $1 implies NOT NULL). Indexes on the parent are created
            -- on every partition.
            CREATE INDEX ledger_time ON ledger (time);
            CREATE INDEX ledger_team_time ON ledger (team_id, time) WHERE team_id IS NOT NULL;
            CREATE INDEX ledger_key_time ON ledger (key_id, time);
            CREATE INDEX ledger_user_time ON ledger (user_id, time) WHERE user_id IS NOT NULL;
            """),
    ];

    /// <summary>The newest version this build knows.</summary>
    internal static int LatestVersion => Migrations[^1].Version;

    /// <summary>Applies the migrations the database lacks; returns the versions applied (empty when up to date).</summary>
    /// <exception cref="InvalidDataException">The database's schema is newer than this build knows.</exception>
    internal static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Step 1: the lock first, so two migrators never both find the table missing or a version unapplied.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1);", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
            connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // Step 2: where the database stands.
        int current;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", connection, transaction))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        if (current > LatestVersion)
        {
            throw new InvalidDataException(
                $"The database has schema version {current}, newer than the {LatestVersion} this Tollgate knows; use a newer Tollgate or another database.");
        }

        // Step 3: the missing migrations, each recorded with the time it ran.
        var applied = new List<int>();
        foreach (var (version, sql) in Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES ($1);", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            applied.Add(version);
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }
}
