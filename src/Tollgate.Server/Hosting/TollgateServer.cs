using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Tollgate.Core.Budgets;
using Tollgate.Core.Configuration;
using Tollgate.Core.Gateway;
using Tollgate.Core.Http;
using Tollgate.Core.Keys;
using Tollgate.Core.Ledger;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Providers;
using Tollgate.Core.Routing;
using Tollgate.Providers;
using Tollgate.Server.Endpoints;
using Tollgate.Server.Endpoints.Admin;
using Tollgate.Server.Endpoints.Anthropic;
using Tollgate.Server.Endpoints.Health;
using Tollgate.Server.Endpoints.OpenAI;
using Tollgate.Storage.Postgres;
using Tollgate.Storage.Sqlite;

namespace Tollgate.Server.Hosting;

/// <summary>Builds the Tollgate web application: config, services, pipeline and endpoints.</summary>
/// <remarks>
/// Step 1: load the config (the file, <c>tollgate.yaml</c>, or the built-in default); errors stop the start.
/// Step 2: resolve the master key, generating one on first start when none is configured.
/// Step 3: register services and map endpoints.
/// Step 4: apply the config, and watch its file for changes.
/// </remarks>
internal static partial class TollgateServer
{
    public static WebApplication Build(ServeSettings settings)
    {
        // Step 1
        var registry = new ProviderRegistry(BuiltInProviders.CreateFactories());
        var configPath = ResolveConfigPath(settings);
        var config = Load(configPath, registry, settings);

        // Step 2
        var masterKey = MasterKeyResolver.Resolve(config, settings.GetEnvironmentVariable, settings.WorkingDirectory);
        ReportMasterKey(settings.Output, masterKey);

        // Step 3
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = settings.WorkingDirectory });
        builder.WebHost.UseUrls(settings.Urls);

        // Kestrel's own inline scheduling (UnsafePreferInlineScheduling) stays off on purpose: measured A/B on the load
        // script it cut context switches 8x but made streamed requests cost 50% more CPU (docs/PERFORMANCE.md).
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = config.Server.MaxRequestBodyBytes;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Hosting starts an Activity and a log scope for every request whenever this category logs at any level;
        // nothing of it is used, and it is measurable per request.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        AddServices(builder.Services, registry);
        AddStorage(builder.Services, config, settings);
        settings.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.MapHealthEndpoints();
        app.MapOpenAIEndpoints();
        app.MapAnthropicEndpoints();
        app.MapAdminEndpoints();
        app.MapFallback((HttpContext http) =>
        {
            var unknown = new Core.Errors.GatewayException(404, "invalid_request_error", $"Unknown request URL: {http.Request.Method} {http.Request.Path}.", "unknown_url");
            return AnthropicModelsWriter.IsAnthropicClient(http.Request) ? AnthropicErrorWriter.WriteAsync(http, unknown) : OpenAIErrorWriter.WriteAsync(http, unknown);
        });

        // Step 4
        var state = app.Services.GetRequiredService<GatewayState>();
        state.GetEnvironmentVariable = settings.GetEnvironmentVariable;
        state.Apply(config, masterKey.Key);
        if (configPath is not null)
        {
            var watcher = new ConfigWatcher(
                configPath,
                path => ConfigLoader.LoadFile(path, registry.SettingsByType, settings.GetEnvironmentVariable),
                reloaded => ApplyReload(state, reloaded, settings, app.Services.GetRequiredService<ILogger<GatewayState>>()),
                app.Services.GetRequiredService<ILogger<ConfigWatcher>>(),
                app.Services.GetRequiredService<TimeProvider>());
            app.Lifetime.ApplicationStarted.Register(watcher.Start);
            app.Lifetime.ApplicationStopping.Register(watcher.Dispose);
            app.Services.GetRequiredService<ConfigWatcherHolder>().Watcher = watcher;
        }

        return app;
    }

    public static string? ResolveConfigPath(ServeSettings settings)
    {
        if (settings.ConfigPath is { } explicitPath)
        {
            return Path.GetFullPath(explicitPath, settings.WorkingDirectory);
        }

        var defaultPath = Path.Combine(settings.WorkingDirectory, ServeSettings.DefaultConfigFileName);
        return File.Exists(defaultPath) ? defaultPath : null;
    }

    public static TollgateConfig Load(string? configPath, ProviderRegistry registry, ServeSettings settings)
    {
        var result = configPath is null
            ? ConfigLoader.Parse(BuiltInConfig.CreateYaml(settings.GetEnvironmentVariable), null, registry.SettingsByType, settings.GetEnvironmentVariable)
            : ConfigLoader.LoadFile(configPath, registry.SettingsByType, settings.GetEnvironmentVariable);
        if (!result.Success)
        {
            throw new ConfigInvalidException(configPath, result.Errors);
        }

        return result.Config!;
    }

    private static void AddServices(IServiceCollection services, ProviderRegistry registry)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Random.Shared);
        services.AddSingleton(registry);
        services.AddHttpClient();
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers());
        services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, ProviderHttpClients.HandlerOptions>();
        services.AddSingleton<ProviderHttpClients>();
        services.AddSingleton<GatewayState>();
        services.AddSingleton<ConfigWatcherHolder>();

        // Pipeline stages.
        services.AddSingleton<AccountDirectory>();
        services.AddHostedService<AccountDirectoryLoader>();
        services.AddSingleton<VirtualKeyAuthenticator>();
        services.AddSingleton<IRequestAuthenticator>(sp => sp.GetRequiredService<VirtualKeyAuthenticator>());
        services.AddSingleton<AuthenticationHandler>();
        services.AddSingleton<UsageChannel>();
        services.AddSingleton<IUsageSink>(sp => sp.GetRequiredService<UsageChannel>());
        services.AddSingleton<UsageTotals>();
        services.AddHostedService<UsageAggregator>();
        services.AddSingleton<MeteringHandler>();
        services.AddSingleton<DeploymentHealthRegistry>();
        services.AddSingleton<RoutingHandler>();
        services.AddSingleton<RouteRunner>();
        services.AddSingleton<InMemoryLimitCounters>();
        services.AddSingleton<ILimitCounters>(sp => sp.GetRequiredService<InMemoryLimitCounters>());
        services.AddSingleton<IBudgetReader>(sp => sp.GetRequiredService<InMemoryLimitCounters>());
        services.AddSingleton<LimitAdmission>();
        services.AddSingleton(new ReservationCalculator());
        services.AddSingleton<LimitsHandler>();

        // Endpoints.
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<ModelsEndpoints>();
        services.AddSingleton<MessagesEndpoint>();
        services.AddSingleton<CountTokensEndpoint>();
        services.AddSingleton<AdminCallRunner>();
        services.AddSingleton<KeyAdminEndpoints>();
        services.AddSingleton<TeamAdminEndpoints>();
        services.AddSingleton<UserAdminEndpoints>();
        services.AddSingleton<AuditAdminEndpoints>();
        services.AddSingleton<SpendAdminEndpoints>();
        services.AddSingleton<DeploymentAdminEndpoints>();
    }

    /// <summary>
    /// PostgreSQL when <c>storage.postgres</c> is set (migrated at start; a database that cannot be reached or migrated
    /// stops the start), else SQLite (<c>storage.sqlite</c>, else <c>tollgate.db</c> in the data directory), for keys,
    /// teams, the audit log and the ledger; the ledger writer spills to <c>spill/</c> in the data directory when the
    /// database is unavailable. Read at start only: a reload that changes <c>storage</c> takes effect at the next start.
    /// </summary>
    private static void AddStorage(IServiceCollection services, TollgateConfig config, ServeSettings settings)
    {
        var dataDirectory = MasterKeyResolver.DataDirectory(config, settings.WorkingDirectory);
        if (PostgresOptions(config) is { } postgres)
        {
            services.AddPostgresStorage(postgres);
        }
        else
        {
            var configDirectory = config.SourcePath is { } source ? Path.GetDirectoryName(Path.GetFullPath(source))! : settings.WorkingDirectory;
            var databasePath = config.Storage.SqlitePath is { } path
                ? Path.GetFullPath(path, configDirectory)
                : Path.Combine(dataDirectory, StorageConfig.DefaultSqliteFileName);
            Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
            services.AddSqliteStorage(databasePath);
        }

        if (config.Storage.Ledger)
        {
            services.AddLedgerWriter(new LedgerWriterOptions { SpillDirectory = Path.Combine(dataDirectory, "spill") });
        }

        services.AddHostedService<BudgetSeeding>();
    }

    /// <summary>The PostgreSQL store settings from <c>storage</c>, or <see langword="null"/> when the config uses SQLite.</summary>
    public static PostgresStorageOptions? PostgresOptions(TollgateConfig config) =>
        config.Storage.PostgresConnectionString is { } connectionString
            ? new PostgresStorageOptions { ConnectionString = connectionString, LedgerRetention = config.Storage.LedgerRetention }
            : null;

    private static void ApplyReload(GatewayState state, TollgateConfig config, ServeSettings settings, ILogger logger)
    {
        try
        {
            var masterKey = MasterKeyResolver.Resolve(config, settings.GetEnvironmentVariable, settings.WorkingDirectory);
            state.Apply(config, masterKey.Key);
        }
        catch (Exception ex)
        {
            LogReloadFailed(logger, ex);
        }
    }

    private static void ReportMasterKey(TextWriter output, MasterKeyResolution resolution)
    {
        switch (resolution.Source)
        {
            case MasterKeySource.Generated:
                output.WriteLine($"tollgate: generated a master key and saved it to {resolution.FilePath} (readable only by you).");
                output.WriteLine($"tollgate: use it as the API key: export TOLLGATE_MASTER_KEY=$(cat {resolution.FilePath})");
                break;
            case MasterKeySource.File:
                output.WriteLine($"tollgate: using the master key in {resolution.FilePath}.");
                break;
            default:
                output.WriteLine($"tollgate: using the master key from {(resolution.Source == MasterKeySource.Config ? "server.master_key" : MasterKeyResolver.EnvironmentVariable)}.");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The reloaded config could not be applied; the previous one stays in force")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
