using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Tollgate.Server.Hosting;

namespace Tollgate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real Tollgate server on a free loopback port, built from a config file written to its own temporary
/// directory (which is also its working directory, so a generated master key lands there too).
/// </summary>
internal sealed class TollgateTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _ownedDirectory;

    private TollgateTestServer(WebApplication app, string configPath, string workingDirectory, string masterKey, bool ownsDirectory)
    {
        _app = app;
        ConfigPath = configPath;
        WorkingDirectory = workingDirectory;
        MasterKey = masterKey;
        _ownedDirectory = ownsDirectory ? workingDirectory : null;
        BaseUrl = app.Urls.First().TrimEnd('/');
    }

    /// <summary>Such as <c>http://127.0.0.1:54321</c>, without <c>/v1</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The key clients present.</summary>
    public string MasterKey { get; }

    public string ConfigPath { get; }

    public string WorkingDirectory { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Writes <paramref name="yaml"/> as the config file and starts the server.
    /// </summary>
    /// <param name="yaml">The config file's text.</param>
    /// <param name="masterKey">The key clients present; <see langword="null"/> reads the generated <c>.tollgate/master.key</c>.</param>
    /// <param name="workingDirectory">Reuse a directory (a restart); <see langword="null"/> makes a fresh one that dispose deletes.</param>
    /// <param name="environment">The server's environment variables; none by default.</param>
    /// <param name="configureServices">Adds or replaces services after the server's own (stores, fakes).</param>
    public static async Task<TollgateTestServer> StartAsync(
        string yaml,
        string? masterKey = "sk-test-master",
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        var owns = workingDirectory is null;
        var directory = workingDirectory ?? Directory.CreateTempSubdirectory("tollgate-e2e-").FullName;
        var configPath = Path.Combine(directory, "tollgate.yaml");
        await File.WriteAllTextAsync(configPath, yaml).WaitAsync(TestTimeouts.Default);
        var app = TollgateServer.Build(CreateSettings(configPath, directory, environment) with { ConfigureServices = configureServices });
        try
        {
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            await app.StartAsync(cts.Token);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var key = masterKey ?? (await File.ReadAllTextAsync(Path.Combine(directory, ".tollgate", "master.key")).WaitAsync(TestTimeouts.Default)).Trim();
        return new TollgateTestServer(app, configPath, directory, key, owns);
    }

    /// <summary>The settings a test server runs with: quiet, and no environment variables but those given.</summary>
    public static ServeSettings CreateSettings(string configPath, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null) =>
        new(configPath, "http://127.0.0.1:0")
        {
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            WorkingDirectory = workingDirectory,
            Output = TextWriter.Null,
            MinimumLogLevel = LogLevel.Critical,
        };

    /// <summary>Replaces the config file, the way an operator's editor would save it.</summary>
    public Task RewriteConfigAsync(string yaml) => File.WriteAllTextAsync(ConfigPath, yaml).WaitAsync(TestTimeouts.Default);

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TestTimeouts.Default))
        {
            try
            {
                await _app.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Connections still open were aborted: stopping needs nothing more.
            }
        }

        await _app.DisposeAsync();
        if (_ownedDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory left behind is harmless.
            }
        }
    }
}
