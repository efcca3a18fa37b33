using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Tollgate.Storage.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL server from the machine's own binaries (Debian's <c>postgresql</c> package:
/// <c>/usr/lib/postgresql/N/bin</c>): <c>initdb</c> into a temp directory, <c>pg_ctl start</c> on a free
/// 127.0.0.1 port with its unix socket in that directory, trust authentication for the <c>postgres</c> superuser, and
/// <c>pg_ctl stop</c> plus deletion of the directory on dispose. PostgreSQL refuses to run as root, so when this
/// process is root the binaries run as the <c>postgres</c> user (<c>runuser</c>) over a directory it owns.
/// </summary>
/// <remarks>Shared by the test fixture and the benchmarks (linked into Tollgate.Benchmarks).</remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private int _databases;

    private PostgresServer(string binDirectory, string directory, int port)
    {
        BinDirectory = binDirectory;
        Directory = directory;
        Port = port;
    }

    /// <summary>The folder holding <c>initdb</c> and <c>pg_ctl</c>.</summary>
    public string BinDirectory { get; }

    /// <summary>The temp folder: data directory, socket and log.</summary>
    public string Directory { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    private string DataDirectory => Path.Combine(Directory, "data");

    private string LogFile => Path.Combine(Directory, "server.log");

    /// <summary>
    /// The folder named by <c>TOLLGATE_POSTGRES_BIN</c> when set (another layout, or a missing one to test the skip),
    /// else the newest installed <c>/usr/lib/postgresql/N/bin</c>; only one with both <c>initdb</c> and <c>pg_ctl</c>
    /// counts. <see langword="null"/> when there is none.
    /// </summary>
    public static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("TOLLGATE_POSTGRES_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "pg_ctl")) ? configured : null;
        }

        const string Root = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(Root))
        {
            return null;
        }

        return System.IO.Directory.GetDirectories(Root)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
            .Where(x => x.Version >= 0 && File.Exists(Path.Combine(x.Bin, "initdb")) && File.Exists(Path.Combine(x.Bin, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Bin)
            .FirstOrDefault();
    }

    /// <summary>
    /// Creates and starts a server. <paramref name="durable"/> false (tests) turns off fsync and synchronous commit:
    /// nothing survives a crash, and nothing needs to.
    /// </summary>
    /// <exception cref="InvalidOperationException">No binaries, or the server would not start; the message says why.</exception>
    public static async Task<PostgresServer> StartAsync(bool durable, CancellationToken cancellationToken)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (TOLLGATE_POSTGRES_BIN, else /usr/lib/postgresql/*/bin/initdb); install Debian's postgresql package (eng/test.sh does).");
        var directory = System.IO.Directory.CreateTempSubdirectory("tollgate-pg-").FullName;
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false, cancellationToken);
            }

            var initdb = Path.Combine(bin, "initdb");
            await RunAsync(initdb, ["-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], Environment.IsPrivilegedProcess, cancellationToken);

            // A port taken between choosing and binding makes pg_ctl fail: choose again.
            for (var attempt = 1; ; attempt++)
            {
                var server = new PostgresServer(bin, directory, FreePort());
                try
                {
                    await server.StartServerAsync(durable, cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                }
            }
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}");
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0;", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var cts = new CancellationTokenSource(CommandTimeout);
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w"], Environment.IsPrivilegedProcess, cts.Token);
        }
        finally
        {
            TryDelete(Directory);
        }
    }

    private async Task StartServerAsync(bool durable, CancellationToken cancellationToken)
    {
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{Directory}' -c max_connections=200");
        if (!durable)
        {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        try
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options], Environment.IsPrivilegedProcess, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "(no log)";
            throw new InvalidOperationException($"{ex.Message}\nServer log:\n{log}", ex);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : file,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish within {CommandTimeout.TotalSeconds:F0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Something still holds a file: the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
            // Files owned by another user: the OS temp cleaner gets them.
        }
    }
}
