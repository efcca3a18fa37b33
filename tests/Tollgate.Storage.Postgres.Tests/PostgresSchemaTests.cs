using Microsoft.Extensions.Time.Testing;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 11, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Initialize_FreshDatabase_AppliesEveryMigrationAndCreatesPartitionsAhead()
    {
        var database = await fixture.OpenNewAsync(time: new FakeTimeProvider(Now));

        var applied = await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version), applied);
        Assert.Equal((long)PostgresSchema.Migrations.Count, await PostgresSql.ScalarAsync(database.Options.ConnectionString, "SELECT count(*) FROM schema_migrations;"));
        var partitions = await database.Partitions.ListAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["ledger_p202611", "ledger_p202612", "ledger_p202701"], partitions.Select(p => p.Name));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), partitions[0].End);
    }

    [Fact]
    public async Task Initialize_RerunAndNewHandle_AppliesNothingAndKeepsData()
    {
        var first = await fixture.OpenNewAsync();
        await using (var ledger = new PostgresUsageLedger(first))
        {
            await ledger.AppendAsync([UsageLedgerContractTests.Record("req_1", UsageLedgerContractTests.Day1)], CancellationToken.None).WaitAsync(Timeout);
        }

        Assert.Empty(await first.InitializeAsync(CancellationToken.None).WaitAsync(Timeout));
        await using var second = new PostgresDatabase(first.Options);

        Assert.Empty(await second.InitializeAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal((long)PostgresSchema.Migrations.Count, await PostgresSql.ScalarAsync(first.Options.ConnectionString, "SELECT count(*) FROM schema_migrations;"));
        Assert.Equal(1, await new PostgresUsageLedger(second).CountAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Initialize_ConcurrentMigrators_MigrateOnce()
    {
        // Eight handles behave like eight Tollgate instances starting at once against a new database.
        var options = new PostgresStorageOptions { ConnectionString = await fixture.CreateDatabaseAsync() };
        var handles = Enumerable.Range(0, 8).Select(_ => new PostgresDatabase(options)).ToList();
        try
        {
            var results = await Task.WhenAll(handles.Select(h => Task.Run(() => h.InitializeAsync(CancellationToken.None)))).WaitAsync(Timeout);

            Assert.Single(results, r => r.Count > 0);
            Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version), results.Single(r => r.Count > 0));
            Assert.Equal((long)PostgresSchema.Migrations.Count, await PostgresSql.ScalarAsync(options.ConnectionString, "SELECT count(*) FROM schema_migrations;"));
        }
        finally
        {
            foreach (var handle in handles)
            {
                await handle.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Initialize_NewerSchema_FailsNamingTheVersion()
    {
        var database = await fixture.OpenNewAsync();
        await database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout);
        await PostgresSql.ScalarAsync(database.Options.ConnectionString, "INSERT INTO schema_migrations (version) VALUES (999);");
        await using var newer = new PostgresDatabase(database.Options);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_NoServer_FailsNamingTheDatabaseThenSucceedsOnceReachable()
    {
        // A port with nothing listening: the failure names host, port and database, never the password.
        var port = fixture.Server.Port == 1 ? 2 : 1;
        await using var database = new PostgresDatabase(new PostgresStorageOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={port};Database=nowhere;Username=postgres;Password=s3cret;Timeout=5",
        });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => database.InitializeAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains($"127.0.0.1:{port}/nowhere", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadSettings_Throw()
    {
        Assert.Throws<ArgumentException>(() => new PostgresDatabase(new PostgresStorageOptions { ConnectionString = "Nonsense=1" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresDatabase(new PostgresStorageOptions
        {
            ConnectionString = "Host=127.0.0.1",
            LedgerRetention = TimeSpan.FromHours(1),
        }));
    }
}
