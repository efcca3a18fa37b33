namespace Tollgate.Storage.Postgres.Tests;

/// <summary>
/// One PostgreSQL server for the whole test assembly (every test class is in <see cref="PostgresCollection"/>);
/// each test makes its own database. Where the binaries are missing, <see cref="PostgresTestFramework"/> skips every
/// test unless <c>CI=true</c>, where this fixture fails them instead.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PostgresServer? _server;
    private readonly List<PostgresDatabase> _databases = [];

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL server is not started.");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        _server = await PostgresServer.StartAsync(durable: false, cts.Token);
    }

    /// <summary>A new, empty database's connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await Server.CreateDatabaseAsync(cts.Token);
    }

    /// <summary>A <see cref="PostgresDatabase"/> over a new, empty database; disposed with the fixture.</summary>
    public async Task<PostgresDatabase> OpenNewAsync(TimeSpan? retention = null, TimeProvider? time = null)
    {
        var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = await CreateDatabaseAsync(), LedgerRetention = retention }, time);
        lock (_databases)
        {
            _databases.Add(database);
        }

        return database;
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        if (_server is { } server)
        {
            await server.DisposeAsync();
        }
    }
}
