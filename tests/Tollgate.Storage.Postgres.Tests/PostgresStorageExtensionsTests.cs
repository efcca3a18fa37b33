using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tollgate.Accounts;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageExtensionsTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AddPostgresStorage_RegistersTheStoresAndAHostedServiceThatMigratesAtStart()
    {
        var connectionString = await fixture.CreateDatabaseAsync();
        var provider = new ServiceCollection()
            .AddLogging()
            .AddPostgresStorage(new PostgresStorageOptions { ConnectionString = connectionString })
            .BuildServiceProvider();
        await using (provider)
        {
            var hosted = Assert.Single(provider.GetServices<IHostedService>());
            await hosted.StartAsync(CancellationToken.None).WaitAsync(Timeout);
            try
            {
                // Migrated by the start, before any store was used.
                Assert.Equal((long)PostgresSchema.Migrations.Count, await PostgresSql.ScalarAsync(connectionString, "SELECT count(*) FROM schema_migrations;"));

                var keys = provider.GetRequiredService<IKeyStore>();
                Assert.Same(keys, provider.GetRequiredService<IKeyStore>());
                Assert.IsType<PostgresTeamStore>(provider.GetRequiredService<ITeamStore>());
                Assert.IsType<PostgresAuditLog>(provider.GetRequiredService<IAuditLog>());
                var ledger = provider.GetRequiredService<IUsageLedger>();

                await keys.InsertKeyAsync(KeyStoreContractTests.NewKey("key_1"), CancellationToken.None).WaitAsync(Timeout);
                await ledger.AppendAsync([UsageLedgerContractTests.Record("req_1", UsageLedgerContractTests.Day1)], CancellationToken.None).WaitAsync(Timeout);

                Assert.Equal(1, await ledger.CountAsync(CancellationToken.None).WaitAsync(Timeout));
                Assert.Single(await keys.ListKeysAsync(CancellationToken.None).WaitAsync(Timeout));
            }
            finally
            {
                await hosted.StopAsync(CancellationToken.None).WaitAsync(Timeout);
            }
        }
    }

    [Fact]
    public async Task HostedService_UnreachableDatabase_FailsTheStart()
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddPostgresStorage(new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Database=x;Username=postgres;Timeout=5" })
            .BuildServiceProvider();
        await using (provider)
        {
            var hosted = Assert.Single(provider.GetServices<IHostedService>());

            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.StartAsync(CancellationToken.None).WaitAsync(Timeout));

            Assert.Contains("127.0.0.1:1/x", ex.Message, StringComparison.Ordinal);
        }
    }
}
