using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tollgate.Accounts;
using Tollgate.Ledger;

namespace Tollgate.Storage.Postgres;

/// <summary>Registers the PostgreSQL stores.</summary>
public static class PostgresStorageExtensions
{
    /// <summary>
    /// Registers one <see cref="PostgresDatabase"/> for <paramref name="options"/> and, as singletons over it,
    /// <see cref="IKeyStore"/>, <see cref="ITeamStore"/>, <see cref="IAuditLog"/> and <see cref="IUsageLedger"/>, plus a
    /// hosted service that migrates the database at start and keeps the ledger's partitions (ahead and retention).
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        services.AddSingleton(sp => new PostgresDatabase(options, sp.GetService<TimeProvider>()));
        services.AddSingleton<PostgresKeyStore>();
        services.AddSingleton<PostgresTeamStore>();
        services.AddSingleton<PostgresAuditLog>();
        services.AddSingleton<PostgresUsageLedger>();
        services.AddSingleton<IKeyStore>(sp => sp.GetRequiredService<PostgresKeyStore>());
        services.AddSingleton<ITeamStore>(sp => sp.GetRequiredService<PostgresTeamStore>());
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<PostgresAuditLog>());
        services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<PostgresUsageLedger>());
        services.AddSingleton<IHostedService, PostgresLedgerMaintenance>();
        return services;
    }
}
