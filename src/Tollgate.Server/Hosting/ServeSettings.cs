namespace Tollgate.Server.Hosting;

/// <summary>What <c>tollgate serve</c> was asked to do.</summary>
/// <param name="ConfigPath">The config file; <see langword="null"/> for <c>tollgate.yaml</c> in the working directory when present, else the built-in default.</param>
/// <param name="Urls">Where to listen (semicolon-separated).</param>
internal sealed record ServeSettings(string? ConfigPath, string Urls)
{
    public const string DefaultUrls = "http://127.0.0.1:4000";

    public const string DefaultConfigFileName = "tollgate.yaml";

    /// <summary>Reads environment variables; tests substitute their own.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Where relative paths and the default data directory are resolved.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Where start-up messages for the operator go.</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>The minimum log level (Information by default; tests turn it down).</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>
    /// Runs after the server's own registrations, so it can add or replace services: the store implementations
    /// (IKeyStore, ITeamStore, IAuditLog, IUsageLedger, IBudgetReader) and fakes in tests.
    /// </summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
