using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Server.Cli;
using Tollgate.Server.Hosting;

namespace Tollgate.Storage.Postgres.Tests;

/// <summary>The real server and command line with <c>storage.postgres</c> in the config.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TollgateOnPostgresTests(PostgresFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("tollgate-pg-server-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    private async Task<string> WriteConfigAsync()
    {
        var path = Path.Combine(_directory, "tollgate.yaml");
        await File.WriteAllTextAsync(path, """
            server:
              master_key: sk-test-master
            providers:
              sim: { type: simulated }
            models:
              demo: { deployments: [ { provider: sim, model: echo } ] }
            storage:
              postgres: "${TOLLGATE_TEST_PG}"
              ledger_retention: 400d
            """).WaitAsync(Timeout);
        return path;
    }

    [Fact]
    public async Task DbMigrate_NewDatabaseThenAgain_AppliesTheMigrationsOnce()
    {
        var connectionString = await fixture.CreateDatabaseAsync();
        var path = await WriteConfigAsync();
        Environment.SetEnvironmentVariable("TOLLGATE_TEST_PG", connectionString);
        try
        {
            var (exit, output, error) = await RunAsync("db", "migrate", "--config", path);
            Assert.True(exit == 0, error);
            Assert.Contains($"applied migrations 1; schema at version {PostgresDatabase.SchemaVersion}", output, StringComparison.Ordinal);

            (exit, output, error) = await RunAsync("db", "migrate", "--config", path);
            Assert.True(exit == 0, error);
            Assert.Contains($"schema up to date (version {PostgresDatabase.SchemaVersion})", output, StringComparison.Ordinal);
            Assert.Equal((long)PostgresSchema.Migrations.Count, await PostgresSql.ScalarAsync(connectionString, "SELECT count(*) FROM schema_migrations;"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TOLLGATE_TEST_PG", null);
        }
    }

    [Fact]
    public async Task DbMigrate_ConfigWithoutPostgres_ExitsOneSayingSo()
    {
        var path = Path.Combine(_directory, "sqlite.yaml");
        await File.WriteAllTextAsync(path, "providers:\n  sim: { type: simulated }\nmodels:\n  demo: { deployments: [ { provider: sim, model: echo } ] }\n").WaitAsync(Timeout);

        var (exit, _, error) = await RunAsync("db", "migrate", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains("sets no storage.postgres", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PostgresStorage_KeysAndLedgerLiveInPostgres()
    {
        var connectionString = await fixture.CreateDatabaseAsync();
        var path = await WriteConfigAsync();
        var settings = new ServeSettings(path, "http://127.0.0.1:0")
        {
            GetEnvironmentVariable = name => name == "TOLLGATE_TEST_PG" ? connectionString : null,
            WorkingDirectory = _directory,
            Output = TextWriter.Null,
            MinimumLogLevel = LogLevel.Critical,
        };
        await using var app = TollgateServer.Build(settings);
        using (var cts = new CancellationTokenSource(Timeout))
        {
            await app.StartAsync(cts.Token);
        }

        try
        {
#pragma warning disable RS0030 // tests own their client
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/"), Timeout = Timeout };
#pragma warning restore RS0030
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test-master");

            using var created = await http.PostAsync("admin/keys", new StringContent("""{"name":"ci"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var chat = await http.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"demo","messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            var requestId = chat.Headers.GetValues("x-request-id").Single();

            Assert.Equal("ci", await PostgresSql.ScalarAsync(connectionString, "SELECT name FROM keys;"));

            // The ledger writer is a background batch writer: poll for the record with a deadline.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            object? stored = null;
            while (waited.Elapsed < Timeout && stored is null)
            {
                stored = await PostgresSql.ScalarAsync(connectionString, $"SELECT requested_model FROM ledger WHERE request_id = '{requestId}';");
                if (stored is null)
                {
                    await Task.Delay(50);
                }
            }

            Assert.Equal("demo", stored);
        }
        finally
        {
            using var cts = new CancellationTokenSource(Timeout);
            await app.StopAsync(cts.Token);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await TollgateCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).WaitAsync(Timeout);
        return (exit, output.ToString(), error.ToString());
    }
}
